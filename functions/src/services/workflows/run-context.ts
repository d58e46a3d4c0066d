import type { DocumentData, DocumentStore } from '../../store/document-store.js';
import { conditionLeaves } from '../../engine/template/condition-schema.js';
import type { WorkflowDefinition } from '../../engine/template/workflow-schema.js';
import type { RecordValues } from '../../engine/workflows/evaluate-condition.js';
import { placeholdersIn, relatedKeysIn, type InterpolationContext } from '../../engine/workflows/interpolate.js';
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

/** Relationship fields a workflow reads through (conditions on "patient.email", placeholders {{data.patient.email}}). */
export function relatedKeysOf(definition: WorkflowDefinition): string[] {
  const keys = new Set(relatedKeysIn(templatesOf(definition)));
  if (definition.trigger_conditions) {
    for (const { leaf } of conditionLeaves(definition.trigger_conditions)) {
      const [head, tail] = leaf.field.split('.');
      if (head && tail) keys.add(head);
    }
  }
  return [...keys];
}

export interface LoadedContext {
  readonly related: Record<string, RecordValues | null>;
  readonly context: InterpolationContext;
}

/**
 * Loads what a run needs beyond the record, and only that: related records
 * (one batched read for all workflows of the event), the tenant's name and
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
    const keys = [...new Set(definitions.flatMap(relatedKeysOf))];
    const ids = keys.map((key) => record.data[key]).map((id) => (typeof id === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(id) ? id : null));
    const wanted = keys.map((key, i) => ({ key, id: ids[i] })).filter((entry): entry is { key: string; id: string } => entry.id !== null);
    const related: Record<string, RecordValues | null> = Object.fromEntries(keys.map((key) => [key, null]));
    if (wanted.length > 0) {
      const docs = await this.store.getAll(wanted.map(({ id }) => crmPaths.record(tenantId, id)));
      wanted.forEach(({ key, id }, index) => {
        const doc = docs[index];
        if (!doc) return;
        const snapshot = snapshotOf(id, doc.data);
        related[key] = snapshot.deleted ? null : recordValuesOf(snapshot);
      });
    }
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
