/**
 * Roll-up figures: `npx tsx scripts/bench-rollups.ts` (prints one JSON document).
 *
 * - Extra Firestore reads/writes per child write caused by roll-ups, on
 *   MemoryStore's billing meter, for 1 and 5 roll-ups over the child module:
 *   an edit of the aggregated value, an edit that moves no roll-up (a note),
 *   a re-parenting, and a burst (20 quick edits of one child whose events
 *   are all processed after the burst). Budget: at most 1 parent write per
 *   child write, less under bursts.
 * - Records per second through a module recompute (children, then parents).
 */
import { performance } from 'node:perf_hooks';
import type { DocumentChange, MeterReading } from '../src/store/document-store.js';
import { buildTestEnv } from '../src/test-support/build-test-env.js';
import { RollupOptionsSchema, type RollupDefinition } from '../src/engine/rollups/rollup-definition.js';
import { resolveModule } from '../src/services/config/tenant-config.js';
import type { RollupTarget } from '../src/services/rollups/apply-rollup.js';
import { applyRollupTargets } from '../src/services/rollups/on-rollup-child-written.js';
import { RECOMPUTE_START, recomputeRollupPage, type RecomputeCursor } from '../src/services/rollups/recompute-rollups.js';
import type { TRecordResponse } from '../src/api/schemas.js';
import { realEstateFixtures } from '../src/services/rollups/test-support/real-estate-fixtures.js';

const ROLLUPS: RollupDefinition[] = [
  { parentModule: 'agents', key: 'deal_count', options: RollupOptionsSchema.parse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'count' }) },
  { parentModule: 'agents', key: 'won_total', options: RollupOptionsSchema.parse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'sum', field: 'agreed_price', filter: { field: 'stage', operator: 'equals', value: 'Closed Won' } }) },
  { parentModule: 'agents', key: 'avg_price', options: RollupOptionsSchema.parse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'avg', field: 'agreed_price' }) },
  { parentModule: 'agents', key: 'min_offer', options: RollupOptionsSchema.parse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'min', field: 'offer_amount' }) },
  { parentModule: 'agents', key: 'last_close', options: RollupOptionsSchema.parse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'max', field: 'closed_on' }) },
];

async function setUp(rollups: number) {
  const env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'real-estate' });
  const config = await env.services.configs.require('acme');
  const parentModule = resolveModule(config, 'agents')!;
  const targets: RollupTarget[] = ROLLUPS.slice(0, rollups).map((definition) => ({ tenantId: 'acme', definition, parentModule, timeZone: 'UTC' }));
  const changes: DocumentChange[] = [];
  const stop = env.store.onChange('records', (change) => {
    changes.push(change);
  });
  const { agent, deal } = await realEstateFixtures(env);
  const update = async (recordId: string, version: number, data: Record<string, unknown>) =>
    (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId, expectedVersion: version, data })).record;
  /** Runs the roll-up step on every change collected so far, metered. */
  const drain = async (): Promise<MeterReading & { events: number; parentWrites: number }> => {
    await env.store.whenIdle();
    const batch = changes.splice(0);
    env.store.meter.reset();
    let parentWrites = 0;
    for (const change of batch) parentWrites += (await applyRollupTargets(env.store, targets, change)).parentWrites;
    return { ...env.store.meter.read(), events: batch.length, parentWrites };
  };
  return { env, targets, agent, deal, update, drain, stop };
}

const round = (value: number) => Number(value.toFixed(3));

async function costPerChildWrite(rollups: number) {
  const { agent, deal, update, drain, stop } = await setUp(rollups);
  const agents = [];
  for (let index = 0; index < 5; index++) agents.push(await agent(`Agent ${index}`));
  const deals = [];
  for (let index = 0; index < 50; index++) {
    deals.push(await deal({ deal_name: `Deal ${index}`, agent: agents[index % 5]!.id, stage: 'Closed Won', agreed_price: 1000 + index, offer_amount: 900 + index, closed_on: `2026-0${1 + (index % 9)}-15` }));
  }
  const created = await drain();
  const per = (reading: MeterReading & { events: number; parentWrites: number }, writes: number) => ({
    childWrites: writes,
    readsPerChildWrite: round(reading.reads / writes),
    writesPerChildWrite: round(reading.writes / writes),
    parentWritesPerChildWrite: round(reading.parentWrites / writes),
  });
  const result: Record<string, unknown> = { rollups, create: per(created, 50) };

  for (const [index, deal] of deals.slice(0, 20).entries()) deals[index] = await update(deal.id, deal.version, { agreed_price: 5000 + index, offer_amount: 10 + index });
  result.editAggregatedValue = per(await drain(), 20);

  for (const [index, deal] of deals.slice(0, 20).entries()) deals[index] = await update(deal.id, deal.version, { notes: `note ${index}` });
  result.editOtherField = per(await drain(), 20);

  for (const [index, deal] of deals.slice(0, 20).entries()) deals[index] = await update(deal.id, deal.version, { agent: agents[(index + 1) % 5]!.id });
  result.reparent = per(await drain(), 20);

  // A burst: 20 quick edits of one deal; the handler runs after them (events queue up under load).
  let hot = deals[30]!;
  for (let index = 0; index < 20; index++) hot = await update(hot.id, hot.version, { agreed_price: 7000 + index });
  result.burstOnOneChild = per(await drain(), 20);
  stop();
  return result;
}

async function recomputeThroughput() {
  const { env, targets, agent, deal, stop } = await setUp(5);
  stop();
  const agents = [];
  for (let index = 0; index < 20; index++) agents.push(await agent(`Agent ${index}`));
  const children = 2000;
  for (let index = 0; index < children; index++) {
    await deal({ deal_name: `Deal ${index}`, agent: agents[index % 20]!.id, stage: index % 2 ? 'Closed Won' : 'Negotiation', agreed_price: index, offer_amount: index, closed_on: '2026-03-01' });
  }
  const start = performance.now();
  let parentWrites = 0;
  for (const target of targets) {
    let cursor: RecomputeCursor = RECOMPUTE_START;
    while (cursor.phase !== 'done') {
      const page = await recomputeRollupPage(env.store, target, cursor);
      parentWrites += page.counts.parentWrites;
      cursor = page.cursor;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    rollups: targets.length,
    children,
    parents: agents.length,
    seconds: round(seconds),
    childRecordsPerSecondPerRollup: Math.round((children * targets.length) / seconds),
    parentWrites,
  };
}

const output = {
  note: 'MemoryStore billing meter; reads/writes are the extra cost of the roll-up step only (the child write itself excluded).',
  perChildWrite: [await costPerChildWrite(1), await costPerChildWrite(5)],
  recompute: await recomputeThroughput(),
};
console.log(JSON.stringify(output, null, 2));
