import type { DocumentData, DocumentStore, StoredDocument, Transaction, WriteData } from '../../store/document-store.js';
import {
  addToState,
  contributionOf,
  EMPTY_ROLLUP_STATE,
  NO_CONTRIBUTION,
  removalNeedsNextExtreme,
  removeFromState,
  rollupValueOf,
  stateOf,
  type Contribution,
  type RollupState,
  type RollupValue,
} from '../../engine/rollups/rollup-aggregate.js';
import { rollupId, type RollupDefinition } from '../../engine/rollups/rollup-definition.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { recordIndexFields, withRecordIndex } from '../records/record-index.js';
import { asStoredRecord, recordToWriteData, type StoredRecord } from '../records/record-model.js';
import { rollupPaths } from './rollup-paths.js';

/** A roll-up located in the tenant: its definition and the parent module as configured. */
export interface RollupTarget {
  readonly tenantId: string;
  readonly definition: RollupDefinition;
  readonly parentModule: ResolvedModule;
  readonly timeZone: string;
}

/** The roll-up bookkeeping a parent record carries, by field key (exempt from indexing). */
export type StoredRollups = Readonly<Record<string, RollupState>>;

export interface ApplyOutcome {
  readonly parentWrites: number;
  readonly contributionWrites: number;
}

const NOTHING: ApplyOutcome = { parentWrites: 0, contributionWrites: 0 };

/**
 * Brings one child's contribution to one roll-up up to date, in one
 * transaction: the child as it is *now* (not as the event said), the
 * contribution it last made, and the parents involved are read together, the
 * difference is applied to the parents' aggregates, and the new contribution
 * is written. That makes it exact under at-least-once, unordered, concurrent
 * delivery: every application moves the stored contribution to the child's
 * current one, a redelivered or stale event finds nothing to change, and a
 * concurrent write to the child or a parent aborts and retries the
 * transaction. A burst of writes to one child costs the parent one write per
 * change of the contribution actually seen, not one per event.
 */
export async function applyChildToRollup(store: DocumentStore, target: RollupTarget, childId: string): Promise<ApplyOutcome> {
  const { tenantId, definition } = target;
  const { aggregate } = definition.options;
  const id = rollupId(definition);
  const contributionPath = rollupPaths.contribution(tenantId, id, childId);
  return store.runTransaction(async (tx) => {
    const [storedDoc, childDoc] = await tx.getAll([contributionPath, crmPaths.record(tenantId, childId)]);
    const previous = storedDoc ? contributionFromDoc(storedDoc.data) : NO_CONTRIBUTION;
    const child = childDoc ? asStoredRecord(childDoc.data) : null;
    const next =
      child && child.module === definition.options.relationship.module
        ? contributionOf({ options: definition.options, child, timeZone: target.timeZone })
        : NO_CONTRIBUTION;
    if (sameContribution(previous, next)) return NOTHING;

    const parentIds = [...new Set([previous.parentId, next.parentId].filter((parent): parent is string => parent !== null))];
    const parentDocs = await tx.getAll(parentIds.map((parent) => crmPaths.record(tenantId, parent)));
    const parents = new Map<string, StoredRecord>();
    parentIds.forEach((parent, index) => {
      const doc = parentDocs[index];
      const record = doc ? asStoredRecord(doc.data) : null;
      // A dangling or foreign reference has no aggregate to keep; the contribution is still recorded.
      if (record && record.module === definition.parentModule) parents.set(parent, record);
    });
    const states = new Map<string, RollupState>();
    for (const [parent, record] of parents) states.set(parent, rollupStateOf(record, definition.key));

    // Taking away the parent's current min/max needs the next best value: one bounded top-1 read.
    let nextExtreme: RollupValue | null = null;
    const oldState = previous.parentId !== null ? states.get(previous.parentId) : undefined;
    if (previous.parentId !== null && oldState && removalNeedsNextExtreme(aggregate, oldState, previous.value)) {
      nextExtreme = await bestOtherValue(tx, target, previous.parentId, childId);
    }
    if (previous.parentId !== null && oldState) {
      states.set(previous.parentId, removeFromState(aggregate, oldState, previous.value, () => nextExtreme));
    }
    const newState = next.parentId !== null ? states.get(next.parentId) : undefined;
    if (next.parentId !== null && newState) states.set(next.parentId, addToState(aggregate, newState, next.value));

    let parentWrites = 0;
    for (const [parent, record] of parents) {
      const state = states.get(parent) ?? EMPTY_ROLLUP_STATE;
      if (writeParentState(tx, target, parent, record, state)) parentWrites += 1;
    }
    if (next.parentId === null) tx.delete(contributionPath);
    else tx.set(contributionPath, contributionToDoc(id, childId, next, child?.version ?? 0));
    return { parentWrites, contributionWrites: 1 };
  });
}

/**
 * Sets a parent's aggregate to exactly what its stored contributions add up
 * to (the recompute path: a new roll-up field, or a repair). One transaction
 * reads every contribution of the parent, so the result cannot interleave
 * with an incremental update.
 */
export async function rebuildParentRollup(store: DocumentStore, target: RollupTarget, parentId: string): Promise<ApplyOutcome> {
  const { tenantId, definition } = target;
  return store.runTransaction(async (tx) => {
    const parentDoc = await tx.get(crmPaths.record(tenantId, parentId));
    const record = parentDoc ? asStoredRecord(parentDoc.data) : null;
    if (!record || record.module === undefined || record.module !== definition.parentModule) return NOTHING;
    const values: Array<RollupValue | null> = [];
    let cursor: string | null = null;
    for (;;) {
      const page: StoredDocument[] = await tx.query({
        collection: rollupPaths.contributions(tenantId),
        where: [
          { field: 'rollup', op: '==', value: rollupId(definition) },
          { field: 'parentId', op: '==', value: parentId },
        ],
        orderBy: [{ field: '__name__' }],
        ...(cursor ? { startAfter: [cursor] } : {}),
        limit: CONTRIBUTION_PAGE,
      });
      for (const doc of page) values.push(contributionFromDoc(doc.data).value);
      if (page.length < CONTRIBUTION_PAGE) break;
      cursor = page[page.length - 1]?.path ?? null;
    }
    const state = stateOf(definition.options.aggregate, values);
    return writeParentState(tx, target, parentId, record, state) ? { parentWrites: 1, contributionWrites: 0 } : NOTHING;
  });
}

const CONTRIBUTION_PAGE = 500;

/** The parent's stored state for `key`, empty when the roll-up never touched it. */
export function rollupStateOf(record: StoredRecord, key: string): RollupState {
  const stored = (record as StoredRecord & { rollups?: StoredRollups }).rollups?.[key];
  return stored ? { count: stored.count, sum: stored.sum, extreme: stored.extreme ?? null } : EMPTY_ROLLUP_STATE;
}

/**
 * Writes the new state and value on the parent, unless both are unchanged.
 * Not a user's edit: `version` (the edit-concurrency token the forms send
 * back), `updatedAt` and `updatedBy` stay, so nobody editing the parent gets
 * a conflict because a child moved, and history records no entry (it skips
 * writes that keep the version).
 */
function writeParentState(tx: Transaction, target: RollupTarget, parentId: string, record: StoredRecord, state: RollupState): boolean {
  const { key, options } = target.definition;
  const before = rollupStateOf(record, key);
  const value = rollupValueOf(options.aggregate, state);
  const hasState = (record as StoredRecord & { rollups?: StoredRollups }).rollups?.[key] !== undefined;
  if (hasState && sameState(before, state) && record.data[key] === value) return false;
  const data = { ...record.data };
  if (value === null) delete data[key];
  else data[key] = value;
  const rollups = { ...((record as StoredRecord & { rollups?: StoredRollups }).rollups ?? {}), [key]: state };
  const next = withRecordIndex(
    { ...record, data, rollups },
    recordIndexFields({ module: target.parentModule, data, number: record.number, ownerId: record.ownerId, deleted: record.deleted }),
  );
  tx.set(crmPaths.record(target.tenantId, parentId), recordToWriteData(next as StoredRecord));
  return true;
}

/** The best value among the parent's other contributions (min: smallest, max: largest), from the contributions index. */
async function bestOtherValue(tx: Transaction, target: RollupTarget, parentId: string, childId: string): Promise<RollupValue | null> {
  const { definition, tenantId } = target;
  const docs = await tx.query({
    collection: rollupPaths.contributions(tenantId),
    where: [
      { field: 'rollup', op: '==', value: rollupId(definition) },
      { field: 'parentId', op: '==', value: parentId },
    ],
    orderBy: [{ field: 'value', direction: definition.options.aggregate === 'max' ? 'desc' : 'asc' }],
    // The leaving child may still be first: two candidates are enough.
    limit: 2,
  });
  const other = docs.find((doc) => doc.data.childId !== childId);
  return other ? contributionFromDoc(other.data).value : null;
}

function contributionFromDoc(data: DocumentData): Contribution {
  const parentId = typeof data.parentId === 'string' ? data.parentId : null;
  const value = typeof data.value === 'number' || typeof data.value === 'string' ? data.value : null;
  return { parentId, value };
}

function contributionToDoc(rollup: string, childId: string, contribution: Contribution, childVersion: number): WriteData {
  // A missing `value` (filtered out, empty) keeps the document out of the min/max ordering.
  return {
    rollup,
    childId,
    parentId: contribution.parentId,
    childVersion,
    ...(contribution.value !== null ? { value: contribution.value } : {}),
  };
}

function sameContribution(a: Contribution, b: Contribution): boolean {
  return a.parentId === b.parentId && a.value === b.value;
}

function sameState(a: RollupState, b: RollupState): boolean {
  return a.count === b.count && a.sum === b.sum && a.extreme === b.extreme;
}
