import type { DocumentStore, StoredDocument } from '../../store/document-store.js';
import { rollupId } from '../../engine/rollups/rollup-definition.js';
import { crmPaths } from '../paths.js';
import { deletedToken, facetToken } from '../records/record-tokens.js';
import { applyChildToRollup, applyChildToRollups, rebuildParentRollup, type RollupTarget } from './apply-rollup.js';
import { rollupPaths } from './rollup-paths.js';

const PAGE = 100;

export interface RecomputeCounts {
  children: number;
  parents: number;
  parentWrites: number;
}

/**
 * Recomputes one roll-up of one parent: replays every child that points at
 * it now and every child that last counted towards it (they may have moved
 * or gone), through the same transaction the trigger uses, then sets the
 * aggregate from the contributions. Safe while children keep changing.
 */
export async function recomputeRollupForParent(store: DocumentStore, target: RollupTarget, parentId: string): Promise<RecomputeCounts> {
  const counts: RecomputeCounts = { children: 0, parents: 0, parentWrites: 0 };
  const { tenantId, definition } = target;
  const { module: childModule, field } = definition.options.relationship;
  const replay = async (childIds: readonly string[]) => {
    for (const childId of childIds) {
      const outcome = await applyChildToRollup(store, target, childId);
      counts.children += 1;
      counts.parentWrites += outcome.parentWrites;
    }
  };
  await pageThrough(
    store,
    {
      collection: crmPaths.records(tenantId),
      where: [{ field: 'tokens', op: 'array-contains', value: facetToken(childModule, field, parentId) }],
      orderBy: [{ field: 'seq' }],
    },
    (doc) => [doc.data.seq as number],
    async (docs) => replay(docs.map((doc) => doc.id)),
  );
  await replayContributionsOf(store, target, parentId, replay);
  const rebuilt = await rebuildParentRollup(store, target, parentId);
  counts.parents = 1;
  counts.parentWrites += rebuilt.parentWrites;
  return counts;
}

/** Where a module-wide recompute stands: children of the child module first, then each parent. */
export interface RecomputeCursor {
  readonly phase: 'children' | 'parents' | 'trash' | 'done';
  readonly after: number | null;
}

export const RECOMPUTE_START: RecomputeCursor = { phase: 'children', after: null };

/**
 * One bounded step of a module-wide recompute (a new roll-up field, or a
 * repair): a page of children, or a page of parents (live, then in the
 * trash, so a restored parent shows the right value). Returns the next
 * cursor; the job runner checkpoints it, and every step is idempotent, so a
 * crash repeats at most one page.
 */
export async function recomputeRollupPage(store: DocumentStore, target: RollupTarget, cursor: RecomputeCursor): Promise<{ cursor: RecomputeCursor; counts: RecomputeCounts }> {
  const counts: RecomputeCounts = { children: 0, parents: 0, parentWrites: 0 };
  if (cursor.phase === 'done') return { cursor, counts };
  const { tenantId, definition } = target;
  const token =
    cursor.phase === 'children'
      ? definition.options.relationship.module
      : cursor.phase === 'parents'
        ? definition.parentModule
        : deletedToken(definition.parentModule);
  const docs = await store.query({
    collection: crmPaths.records(tenantId),
    where: [{ field: 'tokens', op: 'array-contains', value: token }],
    orderBy: [{ field: 'seq' }],
    ...(cursor.after !== null ? { startAfter: [cursor.after] } : {}),
    limit: PAGE,
  });
  for (const doc of docs) {
    if (cursor.phase === 'children') {
      // Contributions only: each parent is then set once from its contributions, not once per child.
      await applyChildToRollups(store, [target], doc.id, { contributionsOnly: true });
      counts.children += 1;
    } else {
      await replayContributionsOf(store, target, doc.id, async (childIds) => {
        for (const childId of childIds) counts.parentWrites += (await applyChildToRollup(store, target, childId)).parentWrites;
      });
      counts.parents += 1;
      counts.parentWrites += (await rebuildParentRollup(store, target, doc.id)).parentWrites;
    }
  }
  const last = docs[docs.length - 1];
  if (docs.length === PAGE && last) return { cursor: { phase: cursor.phase, after: last.data.seq as number }, counts };
  const nextPhase = cursor.phase === 'children' ? 'parents' : cursor.phase === 'parents' ? 'trash' : 'done';
  return { cursor: { phase: nextPhase, after: null }, counts };
}

/** Replays the children whose stored contribution names this parent (deleted, purged or moved children included). */
async function replayContributionsOf(
  store: DocumentStore,
  target: RollupTarget,
  parentId: string,
  replay: (childIds: readonly string[]) => Promise<void>,
): Promise<void> {
  await pageThrough(
    store,
    {
      collection: rollupPaths.contributions(target.tenantId),
      where: [
        { field: 'rollup', op: '==', value: rollupId(target.definition) },
        { field: 'parentId', op: '==', value: parentId },
      ],
      orderBy: [{ field: '__name__' }],
    },
    (doc) => [doc.path],
    async (docs) => replay(docs.map((doc) => String(doc.data.childId))),
  );
}

async function pageThrough(
  store: DocumentStore,
  spec: Parameters<DocumentStore['query']>[0],
  cursorOf: (doc: StoredDocument) => Array<string | number>,
  handle: (docs: StoredDocument[]) => Promise<void>,
): Promise<void> {
  let after: Array<string | number> | null = null;
  for (;;) {
    const docs = await store.query({ ...spec, ...(after ? { startAfter: after } : {}), limit: PAGE });
    await handle(docs);
    const last = docs[docs.length - 1];
    if (docs.length < PAGE || !last) return;
    after = cursorOf(last);
  }
}
