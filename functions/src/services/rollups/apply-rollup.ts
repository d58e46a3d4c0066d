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
 * Brings one child's contributions to the given roll-ups up to date, in one
 * transaction: the child as it is *now* (not as the event said), the
 * contributions it last made, and the parents involved are read together,
 * the differences are applied to the parents' aggregates, and the new
 * contributions are written. That makes it exact under at-least-once,
 * unordered, concurrent delivery: every application moves the stored
 * contributions to the child's current ones, a redelivered or stale event
 * finds nothing to change, and a concurrent write to the child or a parent
 * aborts and retries the transaction.
 *
 * All roll-ups over the child share the transaction, so a parent is written
 * once per child write however many of its roll-ups moved (twice in all on a
 * re-parenting: the old parent and the new one), and a burst of writes to one
 * child costs the parent one write per change actually seen, not one per event.
 *
 * `contributionsOnly` (a module recompute's first pass) records the
 * contributions without touching parents; the recompute then sets each
 * parent from its contributions (rebuildParentRollup).
 */
export async function applyChildToRollups(
  store: DocumentStore,
  targets: readonly RollupTarget[],
  childId: string,
  options: { readonly contributionsOnly?: boolean } = {},
): Promise<ApplyOutcome> {
  const first = targets[0];
  if (!first) return NOTHING;
  const { tenantId, timeZone } = first;
  return store.runTransaction(async (tx) => {
    const paths = targets.map((target) => rollupPaths.contribution(tenantId, rollupId(target.definition), childId));
    const docs = await tx.getAll([...paths, crmPaths.record(tenantId, childId)]);
    const childDoc = docs[targets.length];
    const child = childDoc ? asStoredRecord(childDoc.data) : null;
    const moves = targets
      .map((target, index) => {
        const stored = docs[index];
        const previous = stored ? contributionFromDoc(stored.data) : NO_CONTRIBUTION;
        const next =
          child && child.module === target.definition.options.relationship.module
            ? contributionOf({ options: target.definition.options, child, timeZone })
            : NO_CONTRIBUTION;
        return { target, path: paths[index] as string, previous, next };
      })
      .filter((move) => !sameContribution(move.previous, move.next));
    if (moves.length === 0) return NOTHING;

    let parentWrites = 0;
    if (!options.contributionsOnly) {
      const parentIds = [...new Set(moves.flatMap((move) => [move.previous.parentId, move.next.parentId]).filter((parent): parent is string => parent !== null))];
      const parentDocs = await tx.getAll(parentIds.map((parent) => crmPaths.record(tenantId, parent)));
      const parents = new Map<string, StoredRecord>();
      parentIds.forEach((parent, index) => {
        const doc = parentDocs[index];
        if (doc) parents.set(parent, asStoredRecord(doc.data));
      });
      // A dangling or foreign reference has no aggregate to keep; the contribution is still recorded.
      const stateOfParent = (parentId: string | null, target: RollupTarget) => {
        const record = parentId === null ? undefined : parents.get(parentId);
        return record && record.module === target.definition.parentModule ? record : undefined;
      };
      // New states by parent, then by roll-up key; every read (min/max top-1 included) happens before any write.
      const updates = new Map<string, Map<string, { target: RollupTarget; state: RollupState }>>();
      const current = (parentId: string, target: RollupTarget, record: StoredRecord) =>
        updates.get(parentId)?.get(target.definition.key)?.state ?? rollupStateOf(record, target.definition.key);
      const put = (parentId: string, target: RollupTarget, state: RollupState) => {
        const byKey = updates.get(parentId) ?? new Map<string, { target: RollupTarget; state: RollupState }>();
        byKey.set(target.definition.key, { target, state });
        updates.set(parentId, byKey);
      };
      for (const { target, previous, next } of moves) {
        const { aggregate } = target.definition.options;
        const oldParent = stateOfParent(previous.parentId, target);
        if (previous.parentId !== null && oldParent) {
          const state = current(previous.parentId, target, oldParent);
          // Taking away the parent's current min/max needs the next best value: one bounded top-1 read.
          const nextExtreme = removalNeedsNextExtreme(aggregate, state, previous.value) ? await bestOtherValue(tx, target, previous.parentId, childId) : null;
          put(previous.parentId, target, removeFromState(aggregate, state, previous.value, () => nextExtreme));
        }
        const newParent = stateOfParent(next.parentId, target);
        if (next.parentId !== null && newParent) put(next.parentId, target, addToState(aggregate, current(next.parentId, target, newParent), next.value));
      }
      for (const [parentId, byKey] of updates) {
        const record = parents.get(parentId) as StoredRecord;
        if (writeParentStates(tx, tenantId, parentId, record, [...byKey.values()])) parentWrites += 1;
      }
    }
    for (const { target, path, next } of moves) {
      if (next.parentId === null) tx.delete(path);
      else tx.set(path, contributionToDoc(rollupId(target.definition), childId, next, child?.version ?? 0));
    }
    return { parentWrites, contributionWrites: moves.length };
  });
}

/** One roll-up over one child (recompute of a single field). */
export async function applyChildToRollup(store: DocumentStore, target: RollupTarget, childId: string): Promise<ApplyOutcome> {
  return applyChildToRollups(store, [target], childId);
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
    return writeParentStates(tx, tenantId, parentId, record, [{ target, state }]) ? { parentWrites: 1, contributionWrites: 0 } : NOTHING;
  });
}

const CONTRIBUTION_PAGE = 500;

/** The parent's stored state for `key`, empty when the roll-up never touched it. */
export function rollupStateOf(record: StoredRecord, key: string): RollupState {
  const stored = (record as StoredRecord & { rollups?: StoredRollups }).rollups?.[key];
  return stored ? { count: stored.count, sum: stored.sum, extreme: stored.extreme ?? null } : EMPTY_ROLLUP_STATE;
}

/**
 * Writes the new states and values on the parent, unless all are unchanged.
 * Not a user's edit: `version` (the edit-concurrency token the forms send
 * back), `updatedAt` and `updatedBy` stay, so nobody editing the parent gets
 * a conflict because a child moved, and history records no entry (it skips
 * writes that keep the version).
 */
function writeParentStates(
  tx: Transaction,
  tenantId: string,
  parentId: string,
  record: StoredRecord,
  updates: ReadonlyArray<{ target: RollupTarget; state: RollupState }>,
): boolean {
  const storedRollups = (record as StoredRecord & { rollups?: StoredRollups }).rollups ?? {};
  const data = { ...record.data };
  const rollups: Record<string, RollupState> = { ...storedRollups };
  let changed = false;
  for (const { target, state } of updates) {
    const { key, options } = target.definition;
    const value = rollupValueOf(options.aggregate, state);
    const before = storedRollups[key] !== undefined ? rollupStateOf(record, key) : undefined;
    if (before !== undefined && sameState(before, state) && data[key] === value) continue;
    changed = true;
    if (value === null) delete data[key];
    else data[key] = value;
    rollups[key] = state;
  }
  if (!changed) return false;
  const parentModule = updates[0]?.target.parentModule;
  if (!parentModule) return false;
  const next = withRecordIndex(
    { ...record, data, rollups },
    recordIndexFields({ module: parentModule, data, number: record.number, ownerId: record.ownerId, deleted: record.deleted }),
  );
  tx.set(crmPaths.record(tenantId, parentId), recordToWriteData(next as StoredRecord));
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
