import type { DocumentData, DocumentStore } from '../../store/document-store.js';
import { conditionLeaves } from '../../engine/template/condition-schema.js';
import type { WorkflowDefinition } from '../../engine/template/workflow-schema.js';
import type { RecordValues } from '../../engine/workflows/evaluate-condition.js';
import { placeholdersIn, relatedKeysIn, type InterpolationContext } from '../../engine/workflows/interpolate.js';
import { MAX_PATH_HOPS, pathPrefixes } from '../../engine/paths/resolve-field-path.js';
import { crmPaths } from '../paths.js';
import { asStoredRecord } from '../records/record-model.js';
import type { RecordSnapshot } from './actions/workflow-action.js';
import { OS_PATHS } from './workflow-paths.js';
import { LRUCache } from 'lru-cache';
import { CACHE_MAX_ENTRIES } from '../caching/cache-budgets.js';

export function snapshotOf(id: string, data: DocumentData): RecordSnapshot {
  const record = asStoredRecord(data);
  return {
    id,
    module: record.module,
    number: record.number,
    data: { ...(record.data ?? {}) },
    refs: record.refs ?? {},
    display: record.display ?? null,
    ownerId: record.ownerId,
    createdBy: record.createdBy,
    deleted: record.deleted === true,
    version: record.version,
    createdAt: record.createdAt instanceof Date ? record.createdAt : null,
    updatedAt: record.updatedAt instanceof Date ? record.updatedAt : null,
  };
}

/** What conditions see: the data fields plus the system fields templates may name. */
export function recordValuesOf(record: RecordSnapshot): RecordValues {
  return {
    ...record.data,
    id: record.id,
    record_number: record.number,
    owner: record.ownerId,
    created_by: record.createdBy,
    created_at: record.createdAt?.toISOString() ?? null,
    updated_at: record.updatedAt?.toISOString() ?? null,
  };
}

/** Every text of a workflow that may hold placeholders. */
export function templatesOf(definition: WorkflowDefinition): string[] {
  return definition.actions.flatMap((action) => {
    switch (action.type) {
      case 'send_email':
        return [action.to, action.subject, action.body, ...(action.cc ?? [])];
      case 'create_task':
        return [action.title, action.description ?? ''];
      default:
        return [];
    }
  });
}

/**
 * Relationship path prefixes a workflow reads through: conditions on "patient.email" or
 * "patient.primary_doctor.specialization", placeholders {{data.patient.primary_doctor.email}}
 * → `patient`, `patient.primary_doctor`. One related record is loaded per distinct prefix.
 */
export function relatedKeysOf(definition: WorkflowDefinition): string[] {
  const keys = new Set(relatedKeysIn(templatesOf(definition)));
  if (definition.trigger_conditions) {
    for (const { leaf } of conditionLeaves(definition.trigger_conditions)) {
      for (const prefix of pathPrefixes(leaf.field.split('.'))) keys.add(prefix);
    }
  }
  return [...keys];
}

const RECORD_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Loads the related records a set of path prefixes names, hop by hop: all
 * prefixes of one depth in one batched read, so N prefixes cost N document
 * reads in at most MAX_PATH_HOPS round trips, and prefixes shared by several
 * paths or workflows are read once. A relationship that is empty, points at
 * a missing or deleted record, or holds something that is not a record id
 * yields null for its prefix and for every prefix beyond it.
 */
export async function loadRelatedByPrefix(
  store: DocumentStore,
  tenantId: string,
  data: Readonly<Record<string, unknown>>,
  prefixes: readonly string[],
): Promise<Record<string, RecordValues | null>> {
  const related: Record<string, RecordValues | null> = Object.fromEntries(prefixes.map((prefix) => [prefix, null]));
  const byDepth = new Map<number, string[]>();
  for (const prefix of new Set(prefixes)) {
    const depth = prefix.split('.').length;
    if (depth > MAX_PATH_HOPS) continue;
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), prefix]);
  }
  for (let depth = 1; depth <= MAX_PATH_HOPS; depth += 1) {
    const level = byDepth.get(depth) ?? [];
    const wanted: Array<{ prefix: string; id: string }> = [];
    for (const prefix of level) {
      const cut = prefix.lastIndexOf('.');
      const source = cut < 0 ? data : related[prefix.slice(0, cut)];
      const id = source && Object.prototype.hasOwnProperty.call(source, prefix.slice(cut + 1)) ? source[prefix.slice(cut + 1)] : null;
      if (typeof id === 'string' && RECORD_ID.test(id)) wanted.push({ prefix, id });
    }
    if (wanted.length === 0) continue;
    const ids = [...new Set(wanted.map(({ id }) => id))];
    const docs = await store.getAll(ids.map((id) => crmPaths.record(tenantId, id)));
    const values = new Map<string, RecordValues | null>();
    ids.forEach((id, index) => {
      const doc = docs[index];
      const snapshot = doc ? snapshotOf(id, doc.data) : null;
      values.set(id, snapshot && !snapshot.deleted ? recordValuesOf(snapshot) : null);
    });
    for (const { prefix, id } of wanted) related[prefix] = values.get(id) ?? null;
  }
  return related;
}

export interface LoadedContext {
  readonly related: Record<string, RecordValues | null>;
  readonly context: InterpolationContext;
}

/**
 * Loads what a run needs beyond the record, and only that: related records
 * (one read per distinct relationship path prefix for all workflows of the
 * event, batched per hop: see loadRelatedByPrefix), the tenant's name and
 * the owner's profile from the OS (cached per instance, read only when a
 * placeholder asks for them).
 */
export class RunContextLoader {
  private readonly tenantNames = new LRUCache<string, { value: string | null; expiresAt: number }>({ max: CACHE_MAX_ENTRIES.tenantNames });
  private readonly owners = new LRUCache<string, { value: Record<string, unknown>; expiresAt: number }>({ max: CACHE_MAX_ENTRIES.ownerProfiles });

  constructor(
    private readonly store: DocumentStore,
    private readonly options: { ttlMs?: number; now?: () => number } = {},
  ) {}

  async load(tenantId: string, record: RecordSnapshot, definitions: readonly WorkflowDefinition[], timeZone = 'UTC'): Promise<LoadedContext> {
    const related = await loadRelatedByPrefix(this.store, tenantId, record.data, [...new Set(definitions.flatMap(relatedKeysOf))]);
    const roots = new Set(definitions.flatMap(templatesOf).flatMap(placeholdersIn).map((path) => path.split('.')[0]));
    const [tenantName, owner] = await Promise.all([
      roots.has('tenant') ? this.tenantName(tenantId) : Promise.resolve(null),
      roots.has('owner') ? this.owner(record.ownerId) : Promise.resolve({}),
    ]);
    const relatedDisplay = Object.fromEntries(Object.entries(record.refs).map(([key, ref]) => [key, ref.display]));
    return {
      related,
      context: {
        data: record.data,
        related,
        relatedDisplay,
        record: {
          id: record.id,
          number: record.number,
          record_number: record.number,
          module: record.module,
          display: record.display,
          owner: record.ownerId,
          created_at: record.createdAt?.toISOString() ?? null,
          updated_at: record.updatedAt?.toISOString() ?? null,
        },
        tenant: { id: tenantId, name: tenantName },
        owner,
        timeZone,
      },
    };
  }

  private async tenantName(tenantId: string): Promise<string | null> {
    const now = this.nowMs();
    const cached = this.tenantNames.get(tenantId);
    if (cached && cached.expiresAt > now) return cached.value;
    const doc = await this.store.get(OS_PATHS.tenant(tenantId));
    const value = typeof doc?.data.name === 'string' ? doc.data.name : null;
    this.tenantNames.set(tenantId, { value, expiresAt: now + (this.options.ttlMs ?? 300_000) });
    return value;
  }

  private async owner(uid: string): Promise<Record<string, unknown>> {
    const now = this.nowMs();
    const cached = this.owners.get(uid);
    if (cached && cached.expiresAt > now) return cached.value;
    const doc = await this.store.get(OS_PATHS.user(uid));
    const data = doc?.data ?? {};
    const value = {
      uid,
      email: typeof data.email === 'string' ? data.email : null,
      name: typeof data.display_name === 'string' ? data.display_name : typeof data.name === 'string' ? data.name : null,
    };
    this.owners.set(uid, { value, expiresAt: now + (this.options.ttlMs ?? 300_000) });
    return value;
  }

  private nowMs(): number {
    return (this.options.now ?? Date.now)();
  }
}
