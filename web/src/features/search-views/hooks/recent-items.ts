/** Recently opened records and recent search texts, per tenant, on this device (local storage). */
export interface RecentRecord {
  readonly id: string;
  readonly module: string;
  readonly number: string;
  readonly display: string | null;
}

const MAX_RECENT = 8;
const recordsKey = (tenantId: string) => `crm-pro.recent-records.${tenantId}`;
const searchesKey = (tenantId: string) => `crm-pro.recent-searches.${tenantId}`;

function read<T>(key: string, valid: (value: unknown) => value is T): T[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(stored) ? stored.filter(valid).slice(0, MAX_RECENT) : [];
  } catch {
    // A corrupt entry just means no recent items.
    return [];
  }
}

const isRecentRecord = (value: unknown): value is RecentRecord =>
  typeof value === 'object' && value !== null && typeof (value as RecentRecord).id === 'string' && typeof (value as RecentRecord).module === 'string' && typeof (value as RecentRecord).number === 'string';
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export function recentRecords(tenantId: string): RecentRecord[] {
  return read(recordsKey(tenantId), isRecentRecord);
}

export function recentSearches(tenantId: string): string[] {
  return read(searchesKey(tenantId), isText);
}

/** Most recent first, without duplicates. */
export function rememberRecord(tenantId: string, record: RecentRecord): void {
  const next = [record, ...recentRecords(tenantId).filter((entry) => entry.id !== record.id)].slice(0, MAX_RECENT);
  localStorage.setItem(recordsKey(tenantId), JSON.stringify(next));
}

export function rememberSearch(tenantId: string, text: string): void {
  const trimmed = text.trim();
  if (trimmed === '') return;
  const next = [trimmed, ...recentSearches(tenantId).filter((entry) => entry !== trimmed)].slice(0, MAX_RECENT);
  localStorage.setItem(searchesKey(tenantId), JSON.stringify(next));
}
