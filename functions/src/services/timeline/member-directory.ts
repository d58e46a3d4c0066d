import type { DocumentStore, StoredDocument } from '../../store/document-store.js';
import { membershipPath, OS_COLLECTIONS } from '../identity/os-firestore-identity.js';
import { OS_PATHS } from '../workflows/workflow-paths.js';

/** A tenant member as pickers and timelines show them. */
export interface MemberName {
  readonly uid: string;
  /** The OS profile's display name, else the membership's, else its email; null when the OS knows nothing. */
  readonly name: string | null;
  readonly email: string | null;
}

/** The most members the mention picker lists: one query, bounded whatever the tenant's size. */
export const MEMBER_LIST_LIMIT = 500;

/**
 * Names of the people behind uids, read from the host OS's documents (the CRM
 * only reads them): `platform_users/{uid}` (`display_name` or `name`, `email`)
 * and `tenant_users/{tenantId}_{uid}` (`display_name`, `email`). No cache: a
 * page of a timeline names a handful of people, one batched read of two
 * documents each, and a renamed user shows the new name on the next call.
 */
export class MemberDirectory {
  constructor(private readonly store: DocumentStore) {}

  /** Names of these uids (deduplicated), by uid. `automation:…` and other non-user actors are left out. */
  async namesOf(tenantId: string, uids: Iterable<string | null | undefined>): Promise<Map<string, MemberName>> {
    const unique = [...new Set([...uids].filter((uid): uid is string => typeof uid === 'string' && isUserUid(uid)))];
    const names = new Map<string, MemberName>();
    if (unique.length === 0) return names;
    const docs = await this.store.getAll(unique.flatMap((uid) => [OS_PATHS.user(uid), membershipPath(tenantId, uid)]));
    unique.forEach((uid, index) => {
      names.set(uid, nameFrom(uid, docs[index * 2] ?? null, docs[index * 2 + 1] ?? null));
    });
    return names;
  }

  /** Active members of the tenant with their names (the mention and assignee pickers), by name. */
  async listMembers(tenantId: string): Promise<MemberName[]> {
    const rows = await this.store.query({
      collection: OS_COLLECTIONS.tenantUsers,
      where: [{ field: 'tenant_id', op: '==', value: tenantId }],
      limit: MEMBER_LIST_LIMIT,
    });
    const active = rows.filter((row) => typeof row.data.user_id === 'string' && (row.data.status === undefined || row.data.status === 'active'));
    if (active.length === 0) return [];
    const profiles = await this.store.getAll(active.map((row) => OS_PATHS.user(String(row.data.user_id))));
    return active
      .map((row, index) => nameFrom(String(row.data.user_id), profiles[index] ?? null, row))
      .sort((a, b) => (a.name ?? a.uid).localeCompare(b.name ?? b.uid));
  }

  /** Which of these uids are active members of the tenant (mentions and assignees must be). */
  async activeMembers(tenantId: string, uids: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(uids)];
    if (unique.length === 0) return new Set();
    const docs = await this.store.getAll(unique.map((uid) => membershipPath(tenantId, uid)));
    return new Set(
      unique.filter((uid, index) => {
        const data = docs[index]?.data;
        return data !== undefined && data.user_id === uid && data.tenant_id === tenantId && (data.status === undefined || data.status === 'active');
      }),
    );
  }
}

/** Workflow writes carry `automation:{workflowId}`; imports and merges may carry other prefixed actors. */
function isUserUid(uid: string): boolean {
  return uid.length > 0 && !uid.includes(':');
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function nameFrom(uid: string, profile: StoredDocument | null, membership: StoredDocument | null): MemberName {
  const email = text(profile?.data.email) ?? text(membership?.data.email);
  const name = text(profile?.data.display_name) ?? text(profile?.data.name) ?? text(membership?.data.display_name) ?? email;
  return { uid, name, email };
}
