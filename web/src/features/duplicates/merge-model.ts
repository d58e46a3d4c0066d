/** The merge screen's choices, kept pure so they can be tested without a browser. */
export interface MergeCandidate {
  readonly id: string;
  readonly data: Readonly<Record<string, unknown>>;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Which record's value each field takes by default: the winner's, unless it
 * is empty and another record has one (the first, in the order shown).
 */
export function defaultChoices(fieldKeys: readonly string[], winnerId: string, records: readonly MergeCandidate[]): Record<string, string> {
  const winner = records.find((record) => record.id === winnerId);
  const choices: Record<string, string> = {};
  for (const key of fieldKeys) {
    if (winner && !isEmpty(winner.data[key])) choices[key] = winnerId;
    else choices[key] = records.find((record) => !isEmpty(record.data[key]))?.id ?? winnerId;
  }
  return choices;
}

/** Fields whose values differ between the records (the ones worth a choice); the rest are shown once. */
export function differingFields(fieldKeys: readonly string[], records: readonly MergeCandidate[]): string[] {
  return fieldKeys.filter((key) => new Set(records.map((record) => JSON.stringify(record.data[key] ?? null))).size > 1);
}

/** The request's `fields`: only choices that take a value from a record other than the winner. */
export function choicesToRequest(choices: Readonly<Record<string, string>>, winnerId: string): Record<string, string> {
  return Object.fromEntries(Object.entries(choices).filter(([, recordId]) => recordId !== winnerId));
}
