import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../../test-support/build-test-env.js';
import { RELATIVE_DATE_VALUES, type RelativeDate } from '../../engine/template/relative-dates.js';
import { bucketsOf, resolveRelativeDate, type DateGrouping, type DayRange } from '../../engine/dashboards/date-range.js';
import { asStoredRecord, type StoredRecord } from '../records/record-model.js';
import type { TGetDashboardDataResponse, TSaveDashboardResponse, TWidgetData } from '../../api/dashboard-schemas.js';
import type { TRecordResponse } from '../../api/schemas.js';

/**
 * Every widget figure is checked against the same figure computed here the
 * plain way: every record read, local days taken from Intl, filters applied
 * in JavaScript. Runs in three zones; "now" is 03:00 UTC on Wednesday
 * 2 December 2026, so this week starts in November everywhere and New York
 * is still on 1 December.
 */
const NOW = new Date('2026-12-02T03:00:00Z');
const STAGES = ['Lead', 'Qualified', 'Won', 'Lost'];
const TAGS = ['a', 'b', 'c'];
const DAY_MS = 86_400_000;

function buildRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

interface Fixture {
  env: TestEnv;
  timeZone: string;
  today: string;
  records: Array<{ id: string; record: StoredRecord }>;
}

type Predicate = (record: StoredRecord) => boolean;

let clock = NOW;

async function buildFixture(timeZone: string): Promise<Fixture> {
  clock = NOW;
  const env = await buildTestEnv({ now: () => clock });
  const { acmeOwner, acmeMember } = env.users;
  await env.call(acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'blank' });
  await env.call(acmeOwner, 'crmCreateModule', {
    tenantId: 'acme',
    module: { slug: 'deals', label: 'Deals' },
    fields: [
      { key: 'name', label: 'Name', type: 'text' },
      { key: 'stage', label: 'Stage', type: 'select', options: STAGES },
      { key: 'amount', label: 'Amount', type: 'number', indexed: true },
      { key: 'due', label: 'Due', type: 'date' },
      { key: 'meeting_at', label: 'Meeting', type: 'datetime' },
      { key: 'hot', label: 'Hot', type: 'checkbox' },
      { key: 'tags', label: 'Tags', type: 'multi_select', options: TAGS },
    ],
    permissions: { member: ['create', 'read_own', 'update_own'] },
  });
  await env.call(acmeOwner, 'crmCreateModule', {
    tenantId: 'acme',
    module: { slug: 'secrets', label: 'Secrets' },
    fields: [{ key: 'name', label: 'Name', type: 'text' }],
    permissions: { member: [] },
  });
  await env.store.update('crm_tenants/acme', { timezone: timeZone });
  env.services.configs.invalidate('acme');

  const random = buildRandom(timeZone.length * 7919);
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  for (let index = 0; index < 160; index += 1) {
    // Creation times spread over the last 100 days, on quarter-minute boundaries.
    clock = new Date(NOW.getTime() - Math.floor(random() * 100 * DAY_MS / 15_000) * 15_000);
    const data: Record<string, unknown> = { name: `Deal ${index}`, stage: pick(STAGES), hot: random() < 0.4 };
    if (random() < 0.85) data.amount = Math.round((random() * 2000 - 300) * 100) / 100;
    if (random() < 0.9) data.due = new Date(NOW.getTime() + Math.floor((random() - 0.6) * 120) * DAY_MS).toISOString().slice(0, 10);
    if (random() < 0.9) data.meeting_at = new Date(NOW.getTime() + Math.floor((random() - 0.6) * 120 * 24 * 60) * 60_000).toISOString();
    if (random() < 0.7) data.tags = TAGS.filter(() => random() < 0.5);
    if (Array.isArray(data.tags) && data.tags.length === 0) delete data.tags;
    const user = index % 3 === 0 ? acmeMember : acmeOwner;
    const { record } = await env.call<TRecordResponse>(user, 'crmCreateRecord', { tenantId: 'acme', module: 'deals', data });
    if (index % 17 === 0) await env.call(acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: record.id });
  }
  clock = NOW;
  await env.call(acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'secrets', data: { name: 'x' } });
  const docs = await env.store.query({ collection: 'crm_tenants/acme/records' });
  const records = docs
    .map((doc) => ({ id: doc.id, record: asStoredRecord(doc.data) }))
    .filter(({ record }) => record.module === 'deals' && !record.deleted);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(NOW);
  return { env, timeZone, today, records };
}

// ---- the plain way ------------------------------------------------------------

function localDay(fixture: Fixture, instant: Date | string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: fixture.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    typeof instant === 'string' ? new Date(instant) : instant,
  );
}

function dayOf(fixture: Fixture, record: StoredRecord, field: string): string | null {
  if (field === 'created_at') return localDay(fixture, record.createdAt);
  if (field === 'updated_at') return localDay(fixture, record.updatedAt);
  const value = record.data[field];
  if (typeof value !== 'string') return null;
  return field === 'due' ? value : localDay(fixture, value);
}

const within = (day: string | null, range: DayRange) => day !== null && range.start <= day && day < range.end;

function rangeOf(fixture: Fixture, word: RelativeDate, period: 'current' | 'previous' = 'current'): DayRange {
  return resolveRelativeDate(word, fixture.today)[period];
}

function expectedAggregate(records: readonly StoredRecord[], aggregation: string, field?: string): number | null {
  if (aggregation === 'count') return records.length;
  const values = records.map((record) => record.data[field as string]).filter((value): value is number => typeof value === 'number');
  if (aggregation === 'sum') return values.reduce((total, value) => total + value, 0);
  if (values.length === 0) return null;
  if (aggregation === 'avg') return values.reduce((total, value) => total + value, 0) / values.length;
  return aggregation === 'min' ? Math.min(...values) : Math.max(...values);
}

function expectClose(actual: number | null, expected: number | null, label: string): void {
  if (expected === null) {
    expect({ label, actual }).toEqual({ label, actual: null });
    return;
  }
  expect(actual, label).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${label}: ${actual} vs ${expected}`).toBeLessThan(1e-6);
}

// ---- widget definitions with their plain-way figures ----------------------------

interface Case {
  readonly widget: Record<string, unknown>;
  readonly check: (data: TWidgetData, records: readonly StoredRecord[], fixture: Fixture) => void;
}

let position = 0;
const at = () => ({ x: 0, y: position++, w: 3, h: 2 });

function metric(id: string, config: Record<string, unknown>, filter: (fixture: Fixture, period: 'current' | 'previous') => Predicate, withChange = false): Case {
  return {
    widget: { id, type: 'metric_card', title: id, position: at(), config },
    check: (data, records, fixture) => {
      expect(data.status, id).toBe('ok');
      if (data.status !== 'ok' || data.type !== 'metric_card') return;
      const aggregation = config.aggregation as string;
      const field = config.field as string | undefined;
      const current = expectedAggregate(records.filter(filter(fixture, 'current')), aggregation, field);
      expectClose(data.value, current, `${id} value`);
      if (withChange) {
        const previous = expectedAggregate(records.filter(filter(fixture, 'previous')), aggregation, field);
        expectClose(data.comparison?.previous ?? null, previous, `${id} previous`);
        expectClose(data.comparison?.change ?? null, current !== null && previous !== null ? current - previous : null, `${id} change`);
      }
    },
  };
}

function dateChart(id: string, axis: string, grouping: DateGrouping, word: RelativeDate, y: 'count' | { aggregation: string; field: string }, where: Predicate = () => true, filter?: Record<string, unknown>): Case {
  return {
    widget: {
      id, type: 'chart', title: id, position: at(),
      config: { module: 'deals', chart_type: 'line', x_axis: axis, y_axis: y, group_by: grouping, date_range: word, ...(filter ? { filter } : {}) },
    },
    check: (data, records, fixture) => {
      expect(data.status, id).toBe('ok');
      if (data.status !== 'ok' || data.type !== 'chart') return;
      const buckets = bucketsOf(rangeOf(fixture, word), grouping);
      expect(data.series.map((point) => point.key)).toEqual(buckets.map((bucket) => bucket.key));
      buckets.forEach((bucket, index) => {
        const matched = records.filter((record) => where(record) && within(dayOf(fixture, record, axis), bucket));
        const expected = y === 'count' ? matched.length : expectedAggregate(matched, y.aggregation, y.field);
        expectClose(data.series[index]?.value ?? null, y !== 'count' && y.aggregation === 'sum' && expected === null ? 0 : expected, `${id} ${bucket.key}`);
      });
    },
  };
}

function valueChart(id: string, axis: string, categories: ReadonlyArray<string | boolean>, y: 'count' | { aggregation: string; field: string }, word?: RelativeDate): Case {
  return {
    widget: {
      id, type: 'chart', title: id, position: at(),
      config: { module: 'deals', chart_type: 'pie', x_axis: axis, y_axis: y, ...(word ? { date_range: word } : {}) },
    },
    check: (data, records, fixture) => {
      expect(data.status, id).toBe('ok');
      if (data.status !== 'ok' || data.type !== 'chart') return;
      expect(data.series.map((point) => point.key)).toEqual(categories.map(String));
      categories.forEach((category, index) => {
        const matched = records.filter((record) => {
          const value = record.data[axis];
          const hit = Array.isArray(value) ? value.includes(category) : value === category;
          return hit && (!word || within(localDay(fixture, record.createdAt), rangeOf(fixture, word)));
        });
        const expected = y === 'count' ? matched.length : expectedAggregate(matched, y.aggregation, y.field);
        expectClose(data.series[index]?.value ?? null, y !== 'count' && y.aggregation === 'sum' && expected === null ? 0 : expected, `${id} ${String(category)}`);
      });
    },
  };
}

const has = (field: string, value: unknown): Predicate => (record) => {
  const stored = record.data[field];
  return Array.isArray(stored) ? stored.includes(value) : stored === value;
};
const anyOf = (field: string, values: readonly unknown[]): Predicate => (record) => values.includes(record.data[field]);
const during = (fixture: Fixture, field: string, word: RelativeDate, period: 'current' | 'previous'): Predicate => (record) =>
  within(dayOf(fixture, record, field), rangeOf(fixture, word, period));
const all = (...predicates: Predicate[]): Predicate => (record) => predicates.every((predicate) => predicate(record));

const MAIN_CASES: Case[] = [
  metric('count-all', { module: 'deals', aggregation: 'count' }, () => () => true),
  metric('count-won', { module: 'deals', aggregation: 'count', filter: { stage: 'Won' } }, () => has('stage', 'Won')),
  metric('sum-open', { module: 'deals', aggregation: 'sum', field: 'amount', filter: { stage: ['Lead', 'Qualified'] } }, () => anyOf('stage', ['Lead', 'Qualified'])),
  metric('avg-due-month', { module: 'deals', aggregation: 'avg', field: 'amount', filter: { due: 'this_month' } }, (f, p) => during(f, 'due', 'this_month', p), true),
  metric('avg-meeting-90', { module: 'deals', aggregation: 'avg', field: 'amount', filter: { meeting_at: 'last_90_days' } }, (f, p) => during(f, 'meeting_at', 'last_90_days', p), true),
  metric('min-all', { module: 'deals', aggregation: 'min', field: 'amount' }, () => () => true),
  metric('max-all', { module: 'deals', aggregation: 'max', field: 'amount' }, () => () => true),
  metric('min-won', { module: 'deals', aggregation: 'min', field: 'amount', filter: { stage: 'Won' } }, () => has('stage', 'Won')),
  metric('max-hot', { module: 'deals', aggregation: 'max', field: 'amount', filter: { hot: true } }, () => has('hot', true)),
  metric('max-open', { module: 'deals', aggregation: 'max', field: 'amount', filter: { stage: ['Lead', 'Qualified'] } }, () => anyOf('stage', ['Lead', 'Qualified'])),
  metric('sum-won-updated-year', { module: 'deals', aggregation: 'sum', field: 'amount', filter: { stage: 'Won', updated_at: 'this_year' } }, (f, p) => all(has('stage', 'Won'), during(f, 'updated_at', 'this_year', p)), true),
  metric('won-this-week', { module: 'deals', aggregation: 'sum', field: 'amount', filter: { stage: 'Won', meeting_at: 'this_week' } }, (f, p) => all(has('stage', 'Won'), during(f, 'meeting_at', 'this_week', p)), true),
  metric('hot-due-7', { module: 'deals', aggregation: 'count', filter: { hot: true, due: 'last_7_days' } }, (f, p) => all(has('hot', true), during(f, 'due', 'last_7_days', p)), true),
  metric('tag-b-30', { module: 'deals', aggregation: 'count', filter: { tags: 'b', meeting_at: 'last_30_days' } }, (f, p) => all(has('tags', 'b'), during(f, 'meeting_at', 'last_30_days', p)), true),
  metric('stage-created-quarter', { module: 'deals', aggregation: 'count', filter: { stage: ['Won', 'Lost'], created_at: 'this_quarter' } }, (f, p) => all(anyOf('stage', ['Won', 'Lost']), during(f, 'created_at', 'this_quarter', p)), true),
  metric('literal-day', { module: 'deals', aggregation: 'count', filter: { due: '2026-12-01' } }, () => (record) => record.data.due === '2026-12-01'),
  valueChart('by-stage', 'stage', STAGES, 'count'),
  valueChart('sum-by-stage-quarter', 'stage', STAGES, { aggregation: 'sum', field: 'amount' }, 'this_quarter'),
  valueChart('avg-by-hot', 'hot', [true, false], { aggregation: 'avg', field: 'amount' }),
  valueChart('by-tag-month', 'tags', TAGS, 'count', 'this_month'),
  dateChart('meetings-by-day-week', 'meeting_at', 'day', 'this_week', 'count'),
  dateChart('meetings-by-month-week', 'meeting_at', 'month', 'this_week', 'count'),
  dateChart('due-by-week', 'due', 'week', 'last_90_days', { aggregation: 'sum', field: 'amount' }),
  dateChart('meetings-by-month-year', 'meeting_at', 'month', 'this_year', { aggregation: 'avg', field: 'amount' }),
  dateChart('created-by-day', 'created_at', 'day', 'last_30_days', 'count'),
  dateChart('won-due-by-month', 'due', 'month', 'this_year', 'count', has('stage', 'Won'), { stage: 'Won' }),
  {
    widget: { id: 'pipeline', type: 'pipeline', title: 'Pipeline', position: at(), config: { module: 'deals', stage_field: 'stage', value_field: 'amount' } },
    check: (data, records) => {
      expect(data.status).toBe('ok');
      if (data.status !== 'ok' || data.type !== 'pipeline') return;
      expect(data.stages.map((stage) => stage.stage)).toEqual(STAGES);
      for (const stage of data.stages) {
        const matched = records.filter(has('stage', stage.stage));
        expect(stage.count, stage.stage).toBe(matched.length);
        expectClose(stage.sum, expectedAggregate(matched, 'sum', 'amount'), `pipeline ${stage.stage}`);
        expect(stage.listFilter).toEqual({ module: 'deals', filters: [{ field: 'stage', op: 'eq', value: stage.stage }] });
      }
    },
  },
  {
    widget: { id: 'pipeline-month', type: 'pipeline', title: 'Pipeline', position: at(), config: { module: 'deals', stage_field: 'stage', filter: { meeting_at: 'this_month' } } },
    check: (data, records, fixture) => {
      if (data.status !== 'ok' || data.type !== 'pipeline') throw new Error('pipeline-month did not render');
      for (const stage of data.stages) {
        expect(stage.count, stage.stage).toBe(records.filter(all(has('stage', stage.stage), during(fixture, 'meeting_at', 'this_month', 'current'))).length);
        expect(stage.sum).toBeNull();
      }
    },
  },
  {
    widget: { id: 'recent', type: 'recent_records', title: 'Recent', position: at(), config: { module: 'deals', limit: 5, fields: ['record_number', 'name', 'stage', 'amount', 'created_at'] } },
    check: (data, records) => {
      if (data.status !== 'ok' || data.type !== 'recent_records') throw new Error('recent did not render');
      const expected = [...records].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, 5);
      expect(data.records.map((row) => row.values.record_number)).toEqual(expected.map((record) => record.number));
      expect(data.records[0]?.values).toEqual({
        record_number: expected[0]?.number, name: expected[0]?.data.name, stage: expected[0]?.data.stage,
        amount: expected[0]?.data.amount ?? null, created_at: expected[0]?.createdAt.toISOString(),
      });
    },
  },
  {
    widget: { id: 'recent-won-quarter', type: 'recent_records', title: 'Recent', position: at(), config: { module: 'deals', limit: 3, fields: ['name'], filter: { stage: 'Won', created_at: 'this_quarter' } } },
    check: (data, records, fixture) => {
      if (data.status !== 'ok' || data.type !== 'recent_records') throw new Error('recent-won did not render');
      const expected = records
        .filter(all(has('stage', 'Won'), during(fixture, 'created_at', 'this_quarter', 'current')))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, 3);
      expect(data.records.map((row) => row.number)).toEqual(expected.map((record) => record.number));
    },
  },
];

/** Every relative word on a datetime field, a date field and created_at. */
const RELATIVE_CASES: Case[] = RELATIVE_DATE_VALUES.flatMap((word) =>
  (['meeting_at', 'due', 'created_at'] as const).map((field) =>
    metric(`${field.replace('_', '-')}-${word.replaceAll('_', '-')}`, { module: 'deals', aggregation: 'count', filter: { [field]: word } }, (f, p) => during(f, field, word, p), true),
  ),
);

async function saveDashboard(env: TestEnv, name: string, cases: readonly Case[]): Promise<string> {
  const saved = await env.call<TSaveDashboardResponse>(env.users.acmeAdmin, 'crmSaveDashboard', {
    tenantId: 'acme',
    dashboard: { name, widgets: cases.map((entry) => entry.widget) },
  });
  return saved.dashboard.id;
}

async function render(env: TestEnv, user: TestUser, dashboardId: string): Promise<TGetDashboardDataResponse> {
  return env.call<TGetDashboardDataResponse>(user, 'crmGetDashboardData', { tenantId: 'acme', dashboardId });
}

describe.each(['UTC', 'Asia/Kolkata', 'America/New_York'])('dashboard figures in %s', (timeZone) => {
  let fixture: Fixture;
  let mainId: string;
  let relativeIds: string[];

  beforeAll(async () => {
    fixture = await buildFixture(timeZone);
    mainId = await saveDashboard(fixture.env, 'Main', MAIN_CASES);
    relativeIds = [
      await saveDashboard(fixture.env, 'Relative one', RELATIVE_CASES.slice(0, 21)),
      await saveDashboard(fixture.env, 'Relative two', RELATIVE_CASES.slice(21)),
    ];
  }, 60_000);

  it('resolves "today" in the tenant zone', async () => {
    const data = await render(fixture.env, fixture.env.users.acmeOwner, mainId);
    expect(data.timeZone).toBe(timeZone);
    expect(data.today).toBe(timeZone === 'America/New_York' ? '2026-12-01' : '2026-12-02');
  });

  it('equals the plain-way figure for every widget type, aggregation and grouping', async () => {
    const data = await render(fixture.env, fixture.env.users.acmeOwner, mainId);
    const records = fixture.records.map(({ record }) => record);
    MAIN_CASES.forEach((entry, index) => entry.check(data.widgets[index] as TWidgetData, records, fixture));
  });

  it('equals the plain-way figure and previous period for every relative date', async () => {
    const records = fixture.records.map(({ record }) => record);
    const cases = [RELATIVE_CASES.slice(0, 21), RELATIVE_CASES.slice(21)];
    for (const [index, id] of relativeIds.entries()) {
      const data = await render(fixture.env, fixture.env.users.acmeOwner, id);
      (cases[index] as Case[]).forEach((entry, position) => entry.check(data.widgets[position] as TWidgetData, records, fixture));
    }
  });

  it('counts only their own records for a read_own viewer', async () => {
    const member = fixture.env.users.acmeMember;
    const own = fixture.records.map(({ record }) => record).filter((record) => record.ownerId === member.uid);
    expect(own.length).toBeGreaterThan(10);
    const data = await render(fixture.env, member, mainId);
    MAIN_CASES.forEach((entry, index) => entry.check(data.widgets[index] as TWidgetData, own, fixture));
  });
});
