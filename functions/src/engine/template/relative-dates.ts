/** Date words a dashboard filter or chart range may use instead of a literal date. */
export const RELATIVE_DATE_VALUES = [
  'today',
  'yesterday',
  'tomorrow',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'this_quarter',
  'this_year',
  'last_7_days',
  'last_30_days',
  'last_90_days',
  'next_7_days',
  'next_30_days',
] as const;
export type RelativeDate = (typeof RELATIVE_DATE_VALUES)[number];

export function isRelativeDate(value: unknown): value is RelativeDate {
  return typeof value === 'string' && (RELATIVE_DATE_VALUES as readonly string[]).includes(value);
}
