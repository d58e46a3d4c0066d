import type { TypedField } from './field-type-module.js';

/**
 * What a demo-data generator (runtime/demo) offers a type's `demo.value`:
 * its seeded random source and the record's persona, so a type says how a
 * plausible value of it is made without the engine knowing about seeds,
 * vocabularies or the records created so far.
 */
export interface DemoValueKit {
  /** The record's position in its module (0-based). */
  readonly index: number;
  /** The field's English label. */
  readonly label: string;
  int(min: number, max: number): number;
  /** A random amount in [min, max] rounded to `step`. */
  amount(min: number, max: number, step: number): number;
  chance(probability: number): boolean;
  /** Earlier items more likely (a select's first choices are the common ones). */
  pickWeighted(values: readonly string[]): string;
  sample(values: readonly string[], count: number): string[];
  /** The persona's full name (every name-like field of a record agrees). */
  personName(): string;
  personEmail(): string;
  phone(): string;
  /** The persona's company site. */
  website(): string;
  /** An ISO date `days` from the seed's now. */
  isoDateFromNow(days: number): string;
  /** The record's own moment (an appointment's time), on a weekday in business hours. */
  eventMoment(): string;
  /** The id of a record already created in `module`, when there is one. */
  relatedId(module: string): string | undefined;
}

export interface FieldTypeDemo {
  /**
   * When the generator fills this type within a record: lower first, so
   * values others depend on exist (a relationship before the fields derived
   * from the related record, a status before its dates, numbers before money).
   */
  readonly order: number;
  /** A plausible value within the field's rules; undefined leaves it empty (computed types always do). */
  value(field: TypedField, kit: DemoValueKit): unknown;
}

/** Computed types (formula, roll-up): the server writes them, a seed never does. */
export const NO_DEMO_VALUE: FieldTypeDemo = { order: 4, value: () => undefined };
