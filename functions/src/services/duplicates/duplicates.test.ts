import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import type { TRecordResponse } from '../../api/schemas.js';
import type { TDuplicateRulesResponse, TFindDuplicatesResponse } from '../../api/rollups-merge-schemas.js';

const RULES = [
  { id: 'email', name: 'Same email', conditions: [{ field: 'email', match: 'exact' }] },
  { id: 'name-phone', name: 'Name and phone', conditions: [{ field: 'full_name', match: 'fuzzy', threshold: 0.8 }, { field: 'phone', match: 'exact' }] },
];

describe('duplicate rules and checks', () => {
  let env: TestEnv;
  let jose: TRecordResponse['record'];
  const find = async (data: Record<string, unknown>, extra: Record<string, unknown> = {}, user = env.users.acmeOwner) =>
    (await env.call<TFindDuplicatesResponse>(user, 'crmFindDuplicates', { tenantId: 'acme', module: 'contacts', data, ...extra })).matches;

  beforeEach(async () => {
    env = await buildTestEnv();
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'corporate' });
    await env.call(env.users.acmeAdmin, 'crmSaveDuplicateRules', { tenantId: 'acme', module: 'contacts', rules: RULES });
    const create = async (data: Record<string, unknown>) =>
      (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'contacts', data: { status: 'Active', ...data } })).record;
    jose = await create({ full_name: 'José García', email: 'JOSE.garcia@Example.com', phone: '+1 (555) 123-4567' });
    await create({ full_name: 'Maria Lopez', email: 'maria@example.com', phone: '+1 555 987 6543' });
  });

  it('an email that differs only in case and spaces is a duplicate, with a link to the match', async () => {
    const matches = await find({ full_name: 'Someone Else', email: '  jose.garcia@example.COM ' });
    expect(matches).toEqual([{ recordId: jose.id, number: jose.number, display: 'José García', rules: ['email'], score: 1 }]);
  });

  it('a name without accents and with a typo plus the same phone in another format is a duplicate', async () => {
    const matches = await find({ full_name: 'jose garcya', phone: '555.123.4567' });
    expect(matches.map((match) => [match.recordId, match.rules])).toEqual([[jose.id, ['name-phone']]]);
    expect(matches[0]?.score).toBeGreaterThan(0.9);
    expect(matches[0]?.score).toBeLessThan(1);
  });

  it('every condition of a rule must hold: the same name with another phone is not a duplicate', async () => {
    expect(await find({ full_name: 'José García', phone: '+1 555 000 0000' })).toEqual([]);
    expect(await find({ full_name: 'Pedro Garcia', phone: '(555) 123-4567' })).toEqual([]);
  });

  it('a record is not its own duplicate, and deleted records are not matched', async () => {
    expect(await find({ email: 'jose.garcia@example.com' }, { recordId: jose.id })).toEqual([]);
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: jose.id });
    expect(await find({ email: 'jose.garcia@example.com' })).toEqual([]);
  });

  it('inactive rules and modules without rules find nothing', async () => {
    await env.call(env.users.acmeAdmin, 'crmSaveDuplicateRules', { tenantId: 'acme', module: 'contacts', rules: [{ ...RULES[0], active: false }] });
    expect(await find({ email: 'jose.garcia@example.com' })).toEqual([]);
    const leads = await env.call<TFindDuplicatesResponse>(env.users.acmeOwner, 'crmFindDuplicates', { tenantId: 'acme', module: 'leads', data: { email: 'jose.garcia@example.com' } });
    expect(leads.matches).toEqual([]);
  });

  it('rules are checked against the module fields, each problem at its path', async () => {
    const error = await env.callError(env.users.acmeAdmin, 'crmSaveDuplicateRules', {
      tenantId: 'acme',
      module: 'contacts',
      rules: [{ id: 'bad', name: 'Bad', conditions: [{ field: 'phone', match: 'fuzzy' }, { field: 'nope', match: 'exact' }, { field: 'do_not_email', match: 'exact' }] }],
    });
    expect(error.code).toBe('invalid-argument');
    const paths = (error.details as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path);
    expect(paths).toEqual(['rules.0.conditions.0.match', 'rules.0.conditions.1.field', 'rules.0.conditions.2.match']);
    const saved = await env.call<TDuplicateRulesResponse>(env.users.acmeMember, 'crmGetDuplicateRules', { tenantId: 'acme', module: 'contacts' });
    expect(saved.rules.map((rule) => rule.id)).toEqual(['email', 'name-phone']);
  });

  it('only owners and admins change rules; members read them and check', async () => {
    const error = await env.callError(env.users.acmeMember, 'crmSaveDuplicateRules', { tenantId: 'acme', module: 'contacts', rules: [] });
    expect(error.code).toBe('permission-denied');
    expect((await find({ email: 'jose.garcia@example.com' }, {}, env.users.acmeMember)).map((match) => match.recordId)).toEqual([jose.id]);
  });

  it('matches a caller may not read are not revealed (read_own on leads)', async () => {
    await env.call(env.users.acmeAdmin, 'crmSaveDuplicateRules', { tenantId: 'acme', module: 'leads', rules: [RULES[0]] });
    await env.call(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'leads', data: { full_name: 'Lead One', company: 'Acme', email: 'lead@example.com', status: 'New' } });
    const asOwner = await env.call<TFindDuplicatesResponse>(env.users.acmeOwner, 'crmFindDuplicates', { tenantId: 'acme', module: 'leads', data: { email: 'LEAD@example.com' } });
    expect(asOwner.matches).toHaveLength(1);
    const asMember = await env.call<TFindDuplicatesResponse>(env.users.acmeMember, 'crmFindDuplicates', { tenantId: 'acme', module: 'leads', data: { email: 'LEAD@example.com' } });
    expect(asMember.matches).toEqual([]);
  });

  it('another tenant sees neither the rules nor the records', async () => {
    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'corporate' });
    const rules = await env.call<TDuplicateRulesResponse>(env.users.globexOwner, 'crmGetDuplicateRules', { tenantId: 'globex', module: 'contacts' });
    expect(rules.rules).toEqual([]);
    await env.call(env.users.globexOwner, 'crmSaveDuplicateRules', { tenantId: 'globex', module: 'contacts', rules: RULES });
    const matches = await env.call<TFindDuplicatesResponse>(env.users.globexOwner, 'crmFindDuplicates', { tenantId: 'globex', module: 'contacts', data: { email: 'jose.garcia@example.com' } });
    expect(matches.matches).toEqual([]);
  });
});
