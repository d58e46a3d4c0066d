import { describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import { RollupOptionsSchema, type RollupDefinition } from '../../engine/rollups/rollup-definition.js';
import { resolveModule } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { asStoredRecord } from '../records/record-model.js';
import type { RollupTarget } from './apply-rollup.js';
import { realEstateFixtures } from './test-support/real-estate-fixtures.js';
import { RECOMPUTE_START, recomputeRollupForParent, recomputeRollupPage, type RecomputeCursor } from './recompute-rollups.js';

const sumWon: RollupDefinition = {
  parentModule: 'agents',
  key: 'won_total',
  options: RollupOptionsSchema.parse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'sum', field: 'agreed_price', filter: { field: 'stage', operator: 'equals', value: 'Closed Won' } }),
};
const maxOffer: RollupDefinition = {
  parentModule: 'agents',
  key: 'best_offer',
  options: RollupOptionsSchema.parse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'max', field: 'offer_amount' }),
};

async function setUp() {
  const env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'real-estate' });
  const config = await env.services.configs.require('acme');
  const parentModule = resolveModule(config, 'agents')!;
  const target = (definition: RollupDefinition): RollupTarget => ({ tenantId: 'acme', definition, parentModule, timeZone: 'UTC' });
  const fixtures = await realEstateFixtures(env);
  return { env, target, ...fixtures };
}

async function valueOf(env: TestEnv, id: string, key: string) {
  return asStoredRecord((await env.store.get(crmPaths.record('acme', id)))!.data).data[key] ?? null;
}

describe('roll-up recompute', () => {
  it('a module recompute gives every parent its value from records that existed before the field (no trigger ran)', async () => {
    const { env, target, agent, deal } = await setUp();
    const agents = [];
    for (let index = 0; index < 3; index++) agents.push(await agent(`Agent ${index}`));
    const expected = [0, 0, 0];
    const best = [0, 0, 0];
    for (let index = 0; index < 230; index++) {
      const owner = index % 3;
      const won = index % 4 !== 0;
      await deal({ deal_name: `Deal ${index}`, agent: agents[owner]!.id, stage: won ? 'Closed Won' : 'Negotiation', agreed_price: index + 0.25, offer_amount: index * 2 });
      if (won) expected[owner]! += index + 0.25;
      best[owner] = Math.max(best[owner]!, index * 2);
    }
    // Pages of 100: several children pages, then parents, then the (empty) trash.
    for (const definition of [sumWon, maxOffer]) {
      let cursor: RecomputeCursor = RECOMPUTE_START;
      let pages = 0;
      while (cursor.phase !== 'done') {
        cursor = (await recomputeRollupPage(env.store, target(definition), cursor)).cursor;
        pages += 1;
      }
      expect(pages).toBeGreaterThanOrEqual(5);
    }
    for (const [index, agent] of agents.entries()) {
      expect(await valueOf(env, agent.id, 'won_total')).toBe(expected[index]);
      expect(await valueOf(env, agent.id, 'best_offer')).toBe(best[index]);
    }
  });

  it('recomputing one record repairs a wrong value and follows children that moved away or were deleted', async () => {
    const { env, target, agent, deal } = await setUp();
    const first = await agent('First');
    const second = await agent('Second');
    const deals = [];
    for (let index = 0; index < 4; index++) deals.push(await deal({ deal_name: `D${index}`, agent: first.id, stage: 'Closed Won', agreed_price: 100 }));
    await recomputeRollupForParent(env.store, target(sumWon), first.id);
    expect(await valueOf(env, first.id, 'won_total')).toBe(400);
    // Without the trigger, the parent does not know: one deal moves, one is deleted, and the stored value is tampered with.
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: deals[0]!.id, expectedVersion: 1, data: { agent: second.id } });
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: deals[1]!.id });
    await env.store.update(crmPaths.record('acme', first.id), { 'data.won_total': 12345 });
    await recomputeRollupForParent(env.store, target(sumWon), first.id);
    expect(await valueOf(env, first.id, 'won_total')).toBe(200);
    expect(await valueOf(env, second.id, 'won_total')).toBe(100);
  });
});
