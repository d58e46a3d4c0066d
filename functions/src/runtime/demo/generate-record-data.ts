import {
  relationshipOptions,
  selectOptionValues,
  type FieldDefinition,
} from '../../engine/fields/field-definition.js';
import { checkFieldValue } from '../../engine/fields/check-field-value.js';
import type { DemoValueKit } from '../../engine/fields/types/field-type-demo.js';
import { fieldTypeModule } from '../../engine/fields/types/registry.js';
import { roundToStep, type DemoRandom } from './demo-random.js';
import {
  CITIES,
  COMPANIES,
  DEPARTMENTS,
  FIRST_NAMES,
  INSURERS,
  JOB_TITLES,
  LAST_NAMES,
  PHRASES,
  STREETS,
} from './demo-vocabulary.js';

/** A record the seed already created, for relationships and titles that mention it. */
export interface CreatedRecord {
  readonly id: string;
  readonly display: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface GeneratorContext {
  readonly random: DemoRandom;
  readonly now: Date;
  /** Created so far, by module slug. */
  readonly created: ReadonlyMap<string, readonly CreatedRecord[]>;
  /** Values already used by unique fields, by `module.field`. */
  readonly used: Map<string, Set<string>>;
}

export interface ModuleShape {
  readonly slug: string;
  readonly fields: readonly FieldDefinition[];
  /** Never left empty: lists and relationship pickers show it. */
  readonly displayField?: string | null;
}

/** Who the record is about: every name-, mail- and address-like field derives from one persona so they agree. */
interface Persona {
  readonly first: string;
  readonly last: string;
  readonly gender: 'Female' | 'Male';
  readonly company: string;
  readonly city: string;
  readonly street: string;
  readonly houseNumber: number;
}

const FEMALE = new Set(['Amelia', 'Priya', 'Chloe', 'Aisha', 'Sofia', 'Hannah', 'Fatima', 'Grace', 'Isabella', 'Yuki', 'Zara', 'Elena', 'Olivia', 'Camila', 'Leila', 'Ananya', 'Charlotte', 'Mei', 'Nadia', 'Ruby']);

/** Modules whose records happen at a moment: their status follows whether that moment is past or future. */
const EVENT_DATE_KEYS = ['appointment_date', 'viewing_at', 'due_date', 'order_date', 'received_on', 'visit_date', 'expected_close_date'];
/** Status values that mean "not happened yet". */
const OPEN_STATUSES = new Set(['Scheduled', 'Pending', 'In Production', 'Received', 'In Progress', 'Not Started', 'Prospecting', 'Qualification', 'Proposal', 'Negotiation']);
const MS_PER_DAY = 86_400_000;

/**
 * Believable field values for one new record of `module`, derived from the
 * module's field definitions: known keys get industry-specific values, any
 * other field a value of its type. Every value is checked with the engine's
 * own field validation, so the seed never relies on the service forgiving it.
 */
export function generateRecordData(ctx: GeneratorContext, module: ModuleShape, index: number): Record<string, unknown> {
  const { random } = ctx;
  const first = random.pick(FIRST_NAMES);
  const persona: Persona = {
    first,
    last: random.pick(LAST_NAMES),
    gender: FEMALE.has(first) ? 'Female' : 'Male',
    company: module.slug === 'accounts' ? (COMPANIES[index % COMPANIES.length] ?? random.pick(COMPANIES)) : random.pick(COMPANIES),
    city: random.pick(CITIES),
    street: random.pick(STREETS),
    houseNumber: random.int(2, 240),
  };
  // One moment per event-like record, so its dates and status agree with each other.
  const eventOffsetDays = random.int(-40, 25);
  const data: Record<string, unknown> = {};
  const active = module.fields.filter((field) => field.active !== false);
  for (const field of [...active].sort((a, b) => generationOrder(a) - generationOrder(b))) {
    const value = valueFor({ ctx, module, field, persona, data, index, eventOffsetDays });
    if (value === undefined) continue;
    const checked = checkFieldValue(field, value);
    if (!checked.ok) continue; // the service would refuse it too; a missing optional value is better than a failed record
    if (field.unique) {
      const key = `${module.slug}.${field.key}`;
      const used = ctx.used.get(key) ?? new Set<string>();
      ctx.used.set(key, used);
      const text = JSON.stringify(checked.value);
      if (used.has(text)) continue;
      used.add(text);
    }
    data[field.key] = checked.value;
  }
  return data;
}

/** Fields other values depend on come first (a price depends on the listing type, a title on the bedrooms). */
function generationOrder(field: FieldDefinition): number {
  // Status first among its peers: closing dates, final costs and probabilities follow it.
  if (field.key === 'status' || field.key === 'stage') return 1;
  return fieldTypeModule(field.type).demo.order;
}

interface FieldInput {
  readonly ctx: GeneratorContext;
  readonly module: ModuleShape;
  readonly field: FieldDefinition;
  readonly persona: Persona;
  /** Values generated so far for this record. */
  readonly data: Record<string, unknown>;
  readonly index: number;
  readonly eventOffsetDays: number;
}

function valueFor(input: FieldInput): unknown {
  const { ctx, field } = input;
  // Optional fields are left empty now and then, as in real data; a few that real data always has are kept.
  const keep = field.required || field.type === 'relationship' || KEEP_ALWAYS.has(field.key) || field.key === input.module.displayField;
  if (!keep && ctx.random.chance(0.12)) return undefined;
  const known = KNOWN_KEYS[`${input.module.slug}.${field.key}`] ?? KNOWN_KEYS[field.key];
  // A rule that answers undefined means "leave it empty here" (no closing date on an open deal).
  return known ? known(input) : byType(input);
}

const KEEP_ALWAYS = new Set(['email', 'phone', 'status', 'stage', 'city', 'address']);

type KeyRule = (input: FieldInput) => unknown;

function fullName(p: Persona): string {
  return `${p.first} ${p.last}`;
}

function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

function companyDomain(company: string): string {
  return `${asciiSlug(company).replace(/\./g, '')}.example.com`;
}

/** first.last@host, numbered only when a namesake already has it (a tenant's people are unique by email). */
function personEmail({ persona, module, ctx }: FieldInput, domain?: string): string {
  const host = domain ?? (module.slug === 'agents' || module.slug === 'doctors' ? 'staff.example.com' : 'example.com');
  const used = ctx.used.get('@email') ?? new Set<string>();
  ctx.used.set('@email', used);
  const base = `${asciiSlug(persona.first)}.${asciiSlug(persona.last)}`;
  let email = `${base}@${host}`;
  for (let n = 2; used.has(email); n += 1) email = `${base}${n}@${host}`;
  used.add(email);
  return email;
}

function phone(random: DemoRandom): string {
  // 555-01xx numbers are reserved for fiction.
  return `+1 (555) 01${random.int(0, 9)}-${String(random.int(0, 9999)).padStart(4, '0')}`;
}

function address(p: Persona): string {
  return `${p.houseNumber} ${p.street}, ${p.city}`;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function daysFromNow(ctx: GeneratorContext, days: number): Date {
  return new Date(ctx.now.getTime() + days * MS_PER_DAY);
}

/** A weekday business-hours slot, `days` from now. */
function slot(ctx: GeneratorContext, days: number): string {
  const date = daysFromNow(ctx, days);
  if (date.getUTCDay() === 0) date.setUTCDate(date.getUTCDate() + 1);
  if (date.getUTCDay() === 6) date.setUTCDate(date.getUTCDate() + 2);
  date.setUTCHours(ctx.random.int(9, 16), ctx.random.pick([0, 15, 30, 45]), 0, 0);
  return date.toISOString();
}

function birthDate(ctx: GeneratorContext, minAge: number, maxAge: number): string {
  return isoDate(daysFromNow(ctx, -ctx.random.int(minAge * 365, maxAge * 365)));
}

function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}

function phrase(random: DemoRandom, list: string): string {
  return random.pick(PHRASES[list] ?? ['']);
}

function related(input: FieldInput, moduleSlug: string): CreatedRecord | undefined {
  const list = input.ctx.created.get(moduleSlug) ?? [];
  return list.length === 0 ? undefined : input.ctx.random.pick(list);
}

function relatedData(input: FieldInput, key: string, moduleSlug: string): Readonly<Record<string, unknown>> | undefined {
  const id = input.data[key];
  return (input.ctx.created.get(moduleSlug) ?? []).find((record) => record.id === id)?.data;
}

function relatedDisplay(input: FieldInput, key: string, moduleSlug: string): string | undefined {
  const id = input.data[key];
  return (input.ctx.created.get(moduleSlug) ?? []).find((record) => record.id === id)?.display ?? undefined;
}

function numberFrom(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function roundTo(value: number, step: number): number {
  return roundToStep(value, step);
}

const NON_RESIDENTIAL = new Set(['Land', 'Office', 'Retail', 'Warehouse']);

const JEWELLERY_STYLES: Readonly<Record<string, readonly string[]>> = {
  Ring: ['Solitaire Ring', 'Eternity Band', 'Halo Ring', 'Signet Ring'],
  Necklace: ['Necklace', 'Riviera Necklace', 'Layered Necklace'],
  Earrings: ['Stud Earrings', 'Drop Earrings', 'Hoop Earrings'],
  Bracelet: ['Tennis Bracelet', 'Link Bracelet', 'Charm Bracelet'],
  Bangle: ['Bangle', 'Cuff Bangle'],
  Pendant: ['Pendant', 'Heart Pendant', 'Locket Pendant'],
  Chain: ['Rope Chain', 'Box Chain', 'Figaro Chain'],
  Anklet: ['Anklet'],
  Brooch: ['Vintage Brooch'],
  Watch: ['Dress Watch'],
};

/** A status that agrees with the record's moment: open when it is ahead, settled when it is past. */
function statusFor(input: FieldInput): string | undefined {
  const options = selectOptionValues(input.field);
  if (options.length === 0) return undefined;
  const hasEventDate = input.module.fields.some((field) => EVENT_DATE_KEYS.includes(field.key));
  if (!hasEventDate) return input.ctx.random.pickWeighted(options);
  const open = options.filter((option) => OPEN_STATUSES.has(option));
  const settled = options.filter((option) => !OPEN_STATUSES.has(option));
  const pool = input.eventOffsetDays >= 0 ? open : settled;
  return input.ctx.random.pickWeighted(pool.length > 0 ? pool : options);
}

const KNOWN_KEYS: Readonly<Record<string, KeyRule>> = {
  // People
  full_name: ({ persona, module }) => (module.slug === 'doctors' ? `Dr. ${fullName(persona)}` : fullName(persona)),
  gender: ({ persona }) => persona.gender,
  date_of_birth: ({ ctx, module }) => (module.slug === 'patients' ? birthDate(ctx, 1, 88) : birthDate(ctx, 22, 70)),
  birthday: ({ ctx }) => birthDate(ctx, 25, 62),
  anniversary_date: ({ ctx }) => (ctx.random.chance(0.5) ? birthDate(ctx, 1, 30) : undefined),
  email: (input) => (input.module.slug === 'leads' || input.module.slug === 'contacts') && input.data.company !== undefined
    ? personEmail(input, companyDomain(String(input.data.company)))
    : personEmail(input),
  phone: ({ ctx }) => phone(ctx.random),
  mobile: ({ ctx }) => phone(ctx.random),
  emergency_phone: ({ ctx }) => phone(ctx.random),
  emergency_contact: ({ ctx, persona }) => `${ctx.random.pick(FIRST_NAMES)} ${persona.last} (${phrase(ctx.random, 'emergency_relation')})`,
  address: ({ persona }) => address(persona),
  mailing_address: ({ persona }) => address(persona),
  billing_address: ({ persona }) => address(persona),
  shipping_address: ({ persona }) => address(persona),
  city: ({ persona }) => persona.city,
  company: ({ persona }) => persona.company,
  job_title: ({ ctx }) => ctx.random.pick(JOB_TITLES),
  industry: ({ ctx, field }) => ctx.random.pick(selectOptionValues(field)),
  'contacts.department': ({ ctx }) => ctx.random.pick(DEPARTMENTS),
  website: ({ persona, data }) => `https://www.${companyDomain(String(data.name ?? data.company ?? persona.company))}`,
  linkedin: ({ persona, ctx }) => `https://www.linkedin.com/in/${asciiSlug(fullName(persona)).replace(/\./g, '-')}-${ctx.random.int(100, 999)}`,
  status: statusFor,
  stage: statusFor,

  // Hospital
  patient_id: ({ ctx, index }) => `PT-${ctx.now.getUTCFullYear()}-${String(1001 + index).padStart(4, '0')}`,
  // Roughly how common each group is, so O+ and A+ lead as they do in real patient lists.
  blood_group: ({ ctx, field }) => {
    const options = selectOptionValues(field);
    const common = ['O+', 'O+', 'O+', 'A+', 'A+', 'A+', 'B+', 'B+', 'O-', 'A-', 'AB+', 'B-', 'AB-'].filter((group) => options.includes(group));
    return ctx.random.pick(common.length > 0 ? common : options);
  },
  insurance_provider: ({ ctx }) => ctx.random.pick(INSURERS),
  insurance_number: ({ ctx }) => `${ctx.random.pick(['BRH', 'MMU', 'CFA', 'NBI', 'SHP'])}${ctx.random.int(10_000_000, 99_999_999)}`,
  allergies: ({ ctx }) => phrase(ctx.random, 'allergies'),
  appointment_number: ({ ctx, index }) => `APT-${ctx.now.getUTCFullYear()}-${String(301 + index).padStart(4, '0')}`,
  appointment_date: ({ ctx, eventOffsetDays }) => slot(ctx, eventOffsetDays),
  duration_minutes: ({ ctx }) => ctx.random.pick([15, 30, 30, 30, 45, 60]),
  reason: ({ ctx }) => phrase(ctx.random, 'reason'),
  'appointments.notes': ({ ctx, eventOffsetDays }) => (eventOffsetDays < 0 ? phrase(ctx.random, 'medical_notes') : undefined),
  license_number: ({ ctx, module }) => `${module.slug === 'doctors' ? 'MD' : 'RE'}-${ctx.random.int(100_000, 999_999)}`,
  consultation_fee: ({ ctx }) => ctx.random.amount(80, 350, 5),
  available_days: ({ ctx }) => ctx.random.sample(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], ctx.random.int(3, 5)),
  joined_on: ({ ctx }) => isoDate(daysFromNow(ctx, -ctx.random.int(120, 15 * 365))),
  'medical_records.title': (input) => {
    const kind = typeof input.data.record_type === 'string' ? input.data.record_type : phrase(input.ctx.random, 'medical_record_title');
    const patient = relatedDisplay(input, 'patient', 'patients');
    return patient ? `${kind} — ${patient}` : kind;
  },
  'doctors.department': ({ data, field }) => departmentFor(String(data.specialization ?? ''), selectOptionValues(field)),
  'appointments.department': (input) => relatedData(input, 'doctor', 'doctors')?.department,
  visit_date: ({ ctx }) => isoDate(daysFromNow(ctx, -ctx.random.int(0, 120))),
  diagnosis: ({ ctx }) => phrase(ctx.random, 'diagnosis'),
  treatment: ({ ctx }) => phrase(ctx.random, 'treatment'),
  prescription: ({ ctx }) => phrase(ctx.random, 'prescription'),
  follow_up_date: ({ ctx }) => isoDate(daysFromNow(ctx, ctx.random.int(7, 45))),

  // Real estate
  'properties.title': ({ ctx, data, persona }) =>
    NON_RESIDENTIAL.has(String(data.property_type))
      ? `${String(data.property_type)} ${ctx.random.pick(['space on', 'opportunity on', 'site near'])} ${persona.street}`
      : fillTemplate(phrase(ctx.random, 'property_title'), {
      bedrooms: String(numberFrom(data.bedrooms, 2)),
      type: String(data.property_type ?? 'home').toLowerCase(),
      street: persona.street,
      city: persona.city,
    }),
  price: ({ ctx, data }) => (data.listing_type === 'Rent' ? ctx.random.amount(900, 6500, 50) : ctx.random.amount(180_000, 1_850_000, 5_000)),
  bedrooms: ({ ctx, data }) => (NON_RESIDENTIAL.has(String(data.property_type)) ? undefined : ctx.random.int(1, 5)),
  bathrooms: ({ ctx, data }) => (NON_RESIDENTIAL.has(String(data.property_type)) ? undefined : ctx.random.int(1, 3)),
  'properties.status': ({ ctx, data, field }) =>
    ctx.random.pickWeighted(selectOptionValues(field).filter((status) => status !== (data.listing_type === 'Rent' ? 'Sold' : 'Rented'))),
  'deals.deal_type': (input) => (relatedData(input, 'property', 'properties')?.listing_type === 'Rent' ? 'Lease' : 'Sale'),
  area_sqft: ({ ctx }) => ctx.random.amount(450, 4200, 10),
  amenities: ({ ctx, field }) => ctx.random.sample(selectOptionValues(field), ctx.random.int(2, 4)),
  listed_on: ({ ctx }) => isoDate(daysFromNow(ctx, -ctx.random.int(0, 150))),
  'properties.description': ({ ctx }) => phrase(ctx.random, 'property_description'),
  // Renters state a monthly budget, buyers a purchase price.
  budget_min: ({ ctx, data }) => (data.interest === 'Rent' ? ctx.random.amount(900, 3_500, 100) : ctx.random.amount(150_000, 900_000, 10_000)),
  budget_max: ({ ctx, data }) => roundTo(numberFrom(data.budget_min, 400_000) * (1.2 + ctx.random.next() * 0.4), data.interest === 'Rent' ? 100 : 10_000),
  preferred_locations: ({ ctx }) => phrase(ctx.random, 'preferred_locations'),
  property_types: ({ ctx, field }) => ctx.random.sample(selectOptionValues(field), ctx.random.int(1, 2)),
  min_bedrooms: ({ ctx }) => ctx.random.int(1, 4),
  next_follow_up: ({ ctx }) => isoDate(daysFromNow(ctx, ctx.random.int(1, 14))),
  'leads.notes': ({ ctx, module }) => phrase(ctx.random, module.fields.some((f) => f.key === 'company') ? 'corporate_notes' : 'real_estate_notes'),
  viewing_at: ({ ctx, eventOffsetDays }) => slot(ctx, eventOffsetDays),
  meeting_point: ({ ctx }) => phrase(ctx.random, 'meeting_point'),
  feedback: ({ ctx, eventOffsetDays }) => (eventOffsetDays < 0 ? phrase(ctx.random, 'feedback') : undefined),
  deal_name: (input) => {
    const client = relatedDisplay(input, 'client', 'leads') ?? fullName(input.persona);
    const property = relatedDisplay(input, 'property', 'properties') ?? 'the listing';
    return `${client} — ${property}`.slice(0, 200);
  },
  offer_amount: (input) => {
    const price = numberFrom(relatedData(input, 'property', 'properties')?.price, 450_000);
    return roundTo(price * (0.9 + input.ctx.random.next() * 0.08), price < 20_000 ? 10 : 1_000);
  },
  agreed_price: ({ data, ctx }) => (String(data.stage ?? '').startsWith('Closed Won') || ctx.random.chance(0.3) ? data.offer_amount : undefined),
  commission_rate: ({ ctx }) => ctx.random.pick([2, 2.5, 3, 3, 3.5, 4]),
  expected_close_date: ({ ctx, eventOffsetDays }) => isoDate(daysFromNow(ctx, eventOffsetDays + 30)),
  closed_on: ({ ctx, data }) => (String(data.stage ?? '').startsWith('Closed') ? isoDate(daysFromNow(ctx, -ctx.random.int(1, 60))) : undefined),
  specializations: ({ ctx, field }) => ctx.random.sample(selectOptionValues(field), ctx.random.int(1, 2)),
  territory: ({ ctx }) => phrase(ctx.random, 'territory'),
  hire_date: ({ ctx }) => isoDate(daysFromNow(ctx, -ctx.random.int(200, 12 * 365))),
  bio: ({ ctx }) => phrase(ctx.random, 'bio'),

  // Jewellery
  'inventory.category': ({ ctx, field }) => ctx.random.pick(selectOptionValues(field)),
  item_name: ({ ctx, data }) => {
    const style = ctx.random.pick(JEWELLERY_STYLES[String(data.category)] ?? [String(data.category ?? 'Piece')]);
    const stone = Array.isArray(data.stones) && typeof data.stones[0] === 'string' ? `${data.stones[0]} ` : '';
    return `${String(data.metal ?? 'Yellow Gold')} ${stone}${style}`;
  },
  sku: ({ ctx, data }) => `${String(data.category ?? 'JWL').slice(0, 3).toUpperCase()}-${String(data.metal ?? 'GD').replace(/[^A-Z]/g, '')}-${ctx.random.int(1000, 9999)}`,
  purity: ({ data, ctx }) => {
    if (data.metal === 'Silver') return '925 Sterling';
    if (data.metal === 'Platinum' || data.metal === 'Palladium') return '950 Platinum';
    return ctx.random.pick(['22K', '18K', '18K', '14K']);
  },
  gross_weight_g: ({ ctx }) => ctx.random.amount(1.5, 48, 0.01),
  net_weight_g: ({ data, ctx }) => roundTo(numberFrom(data.gross_weight_g, 10) * (0.82 + ctx.random.next() * 0.12), 0.01),
  stones: ({ ctx, field }) => (ctx.random.chance(0.7) ? ctx.random.sample(selectOptionValues(field), ctx.random.int(1, 2)) : undefined),
  stone_weight_ct: ({ ctx, data }) => (Array.isArray(data.stones) ? ctx.random.amount(0.1, 3.2, 0.01) : undefined),
  certificate_number: ({ ctx, data }) => (Array.isArray(data.stones) && data.stones.includes('Diamond') ? `IGI-${ctx.random.int(100_000_000, 999_999_999)}` : undefined),
  cost_price: ({ ctx }) => ctx.random.amount(120, 9_000, 5),
  selling_price: ({ ctx, data }) => roundTo(numberFrom(data.cost_price, ctx.random.amount(120, 9_000, 5)) * (1.6 + ctx.random.next() * 0.8), 5),
  'inventory.quantity': ({ ctx }) => ctx.random.int(1, 6),
  ring_size: ({ ctx }) => ctx.random.pick(['5', '5.5', '6', '6.5', '7', '7.5', '8', '9', '10']),
  'customers.notes': ({ ctx }) => phrase(ctx.random, 'jewellery_notes'),
  order_date: ({ ctx, eventOffsetDays }) => isoDate(daysFromNow(ctx, eventOffsetDays < 0 ? eventOffsetDays : -ctx.random.int(0, 6))),
  delivery_date: ({ ctx, data }) => isoDate(new Date(Date.parse(String(data.order_date ?? isoDate(ctx.now))) + ctx.random.int(3, 21) * MS_PER_DAY)),
  'orders.quantity': () => 1,
  total_amount: (input) => numberFrom(relatedData(input, 'item', 'inventory')?.selling_price, input.ctx.random.amount(300, 9_000, 5)),
  advance_paid: ({ ctx, data }) => roundTo(numberFrom(data.total_amount, 1_000) * ctx.random.pick([0, 0.2, 0.3, 0.5]), 5),
  engraving_text: ({ ctx }) => (ctx.random.chance(0.3) ? phrase(ctx.random, 'engraving') : undefined),
  'orders.notes': ({ ctx }) => (ctx.random.chance(0.4) ? phrase(ctx.random, 'jewellery_notes') : undefined),
  item_description: ({ ctx }) => phrase(ctx.random, 'repair_item'),
  repair_types: ({ ctx, field }) => ctx.random.sample(selectOptionValues(field), ctx.random.int(1, 2)),
  received_on: ({ ctx, eventOffsetDays }) => isoDate(daysFromNow(ctx, -Math.abs(eventOffsetDays) % 30)),
  promised_date: ({ ctx, data }) => isoDate(new Date(Date.parse(String(data.received_on ?? isoDate(ctx.now))) + ctx.random.int(5, 14) * MS_PER_DAY)),
  weight_in_g: ({ ctx }) => ctx.random.amount(2, 40, 0.01),
  weight_out_g: ({ data, ctx }) => roundTo(numberFrom(data.weight_in_g, 5) - ctx.random.next() * 0.05, 0.01),
  estimated_cost: ({ ctx }) => ctx.random.amount(25, 400, 5),
  final_cost: ({ ctx, data }) => (data.status === 'Ready' || data.status === 'Delivered' ? roundTo(numberFrom(data.estimated_cost, 80) * (0.9 + ctx.random.next() * 0.3), 5) : undefined),
  technician_notes: ({ ctx }) => phrase(ctx.random, 'technician_notes'),

  // Corporate
  'accounts.name': ({ persona }) => persona.company,
  annual_revenue: ({ ctx }) => ctx.random.amount(1_000_000, 480_000_000, 100_000),
  employees: ({ ctx }) => ctx.random.pick([12, 45, 80, 150, 320, 750, 1_200, 4_800]),
  parent_account: (input) => (input.ctx.random.chance(0.15) ? related(input, 'accounts')?.id : undefined),
  'accounts.description': ({ ctx }) => phrase(ctx.random, 'corporate_description'),
  'opportunities.name': (input) =>
    fillTemplate(phrase(input.ctx.random, 'opportunity'), { company: relatedDisplay(input, 'account', 'accounts') ?? input.persona.company }),
  amount: ({ ctx }) => ctx.random.amount(5_000, 250_000, 500),
  probability: ({ data }) =>
    ({ Prospecting: 10, Qualification: 25, Proposal: 50, Negotiation: 75, 'Closed Won': 100, 'Closed Lost': 0 } as Record<string, number>)[String(data.stage)] ?? 20,
  loss_reason: ({ ctx, data, field }) => (data.stage === 'Closed Lost' ? ctx.random.pick(selectOptionValues(field)) : undefined),
  next_step: ({ ctx, data }) => (String(data.stage ?? '').startsWith('Closed') ? undefined : phrase(ctx.random, 'next_step')),
  'opportunities.description': ({ ctx }) => phrase(ctx.random, 'corporate_description'),
  'tasks.title': ({ ctx }) => phrase(ctx.random, 'task_title'),
  'tasks.description': ({ ctx }) => phrase(ctx.random, 'corporate_notes'),
  due_date: ({ ctx, eventOffsetDays }) => slot(ctx, eventOffsetDays),
};

/** Any field no rule knows: a plausible value of its type, within its validation rules (the type's module says how). */
function byType(input: FieldInput): unknown {
  const { field, ctx, persona, index } = input;
  const { random } = ctx;
  const kit: DemoValueKit = {
    index,
    label: labelOf(field),
    int: (min, max) => random.int(min, max),
    amount: (min, max, step) => random.amount(min, max, step),
    chance: (probability) => random.chance(probability),
    pickWeighted: (values) => random.pickWeighted(values),
    sample: (values, count) => random.sample(values, count),
    personName: () => fullName(persona),
    personEmail: () => personEmail(input),
    phone: () => phone(random),
    website: () => `https://www.${companyDomain(persona.company)}`,
    isoDateFromNow: (days) => isoDate(daysFromNow(ctx, days)),
    eventMoment: () => slot(ctx, input.eventOffsetDays),
    relatedId: (module) => related(input, module)?.id,
  };
  return fieldTypeModule(field.type).demo.value(field, kit);
}

/** "Cardiologist" -> "Cardiology", "General Practitioner" -> "General Medicine": same word stem. */
function departmentFor(specialization: string, departments: readonly string[]): string | undefined {
  const stem = specialization.slice(0, 5).toLowerCase();
  return stem ? departments.find((department) => department.toLowerCase().startsWith(stem)) : undefined;
}

function labelOf(field: FieldDefinition): string {
  return typeof field.label === 'string' ? field.label : (field.label.en ?? field.key);
}

/**
 * Modules in an order where the targets of relationships come first (patients
 * and doctors before appointments). Cycles and self-references are broken by
 * the template's own order; those links are then filled from earlier records.
 */
export function orderModulesForSeeding<M extends ModuleShape>(modules: readonly M[]): M[] {
  const bySlug = new Map(modules.map((module) => [module.slug, module]));
  const ordered: M[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (module: M): void => {
    if (state.has(module.slug)) return;
    state.set(module.slug, 'visiting');
    for (const field of module.fields) {
      const target = relationshipOptions(field)?.related_module;
      const dependency = target === undefined || target === module.slug ? undefined : bySlug.get(target);
      if (dependency && !state.has(dependency.slug)) visit(dependency);
    }
    state.set(module.slug, 'done');
    ordered.push(module);
  };
  for (const module of modules) visit(module);
  return ordered;
}
