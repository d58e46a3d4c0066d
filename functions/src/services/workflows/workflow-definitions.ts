import type { DocumentData, DocumentStore } from '../../store/document-store.js';
import { WorkflowDefinitionSchema, type WorkflowDefinition } from '../../engine/template/workflow-schema.js';
import { workflowPaths } from './workflow-paths.js';
import { log } from '../logging/log.js';
import { LRUCache } from 'lru-cache';
import { CACHE_BUDGET_BYTES, estimateHeapBytes } from '../caching/cache-budgets.js';

/** A workflow as stored at `crm_tenants/{t}/workflows/{id}`: the template-shaped definition plus bookkeeping. */
export interface StoredWorkflow {
  readonly id: string;
  readonly module: string;
  readonly definition: WorkflowDefinition;
  readonly source: 'template' | 'custom';
  readonly createdAt: string;
  readonly updatedAt: string;
}

const BOOKKEEPING_KEYS = ['module', 'source', 'createdAt', 'updatedAt', 'updatedBy', 'createdBy'];

export function parseStoredWorkflow(id: string, data: DocumentData): StoredWorkflow | null {
  const definition = Object.fromEntries(Object.entries(data).filter(([key]) => !BOOKKEEPING_KEYS.includes(key)));
  const parsed = WorkflowDefinitionSchema.safeParse(definition);
  if (!parsed.success || typeof data.module !== 'string') return null;
  return {
    id,
    module: data.module,
    definition: parsed.data,
    source: data.source === 'template' ? 'template' : 'custom',
    createdAt: String(data.createdAt ?? ''),
    updatedAt: String(data.updatedAt ?? ''),
  };
}

export function byExecutionOrder(a: StoredWorkflow, b: StoredWorkflow): number {
  return a.definition.execution_order - b.definition.execution_order || a.id.localeCompare(b.id);
}

/**
 * Workflow definitions through a per-instance cache, so a record event costs
 * no definition reads. Invalidated at once by writes on this instance and
 * when the tenant's config revision moves (template re-selection seeds new
 * workflows); other instances see an admin's edit within `ttlMs`.
 */
export class WorkflowDefinitions {
  /** Bounded by estimated heap size, least recently used out first (10,000 tenants per instance). */
  private readonly cache: LRUCache<string, { revision: number; workflows: StoredWorkflow[]; expiresAt: number; bytes: number }>;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: { ttlMs?: number; now?: () => number; onInvalid?: (id: string) => void; maxBytes?: number } = {},
  ) {
    this.cache = new LRUCache({ maxSize: options.maxBytes ?? CACHE_BUDGET_BYTES.workflowDefinitions, sizeCalculation: (entry) => entry.bytes });
  }

  /** What the cache holds now (bench and tests). */
  stats(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cache.calculatedSize };
  }

  /** Every parseable workflow of the tenant, active or not, in execution order. */
  async forTenant(tenantId: string, revision: number): Promise<StoredWorkflow[]> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(tenantId);
    if (cached && cached.revision === revision && cached.expiresAt > now) return cached.workflows;
    const docs = await this.store.query({ collection: workflowPaths.workflows(tenantId) });
    const workflows = docs
      .map((doc) => {
        const parsed = parseStoredWorkflow(doc.id, doc.data);
        // Stored definitions are validated on save; one that no longer parses is left out, not fatal.
        if (!parsed) (this.options.onInvalid ?? ((id) => log.error('workflow definition is not valid; skipped', { tenantId, workflowId: id })))(doc.id);
        return parsed;
      })
      .filter((workflow): workflow is StoredWorkflow => workflow !== null)
      .sort(byExecutionOrder);
    this.cache.set(tenantId, { revision, workflows, expiresAt: now + (this.options.ttlMs ?? 60_000), bytes: estimateHeapBytes(docs.map((doc) => doc.data)) });
    return workflows;
  }

  async forModule(tenantId: string, revision: number, module: string): Promise<StoredWorkflow[]> {
    return (await this.forTenant(tenantId, revision)).filter((workflow) => workflow.module === module);
  }

  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
