import { describe, expect, it } from 'vitest';
import type { TModuleConfigView } from '@crm/api';
import type { Widget } from '@crm/engine/template/dashboard-schema.js';
import { applyLayout, draftFromWidget, fieldChoices, filterFromRows, newDraft, newWidgetId, pathFilterKeys, pathFilterTarget, widgetFromDraft } from './widget-form-model';

function buildModule(overrides: Partial<TModuleConfigView> = {}): TModuleConfigView {
  return {
    slug: 'deals',
    label: 'Deal',
    fields: [
      { key: 'name', label: 'Name', type: 'text', required: true, active: true },
      { key: 'stage', label: 'Stage', type: 'select', required: true, options: ['Open', 'Won', 'Lost'], active: true },
      { key: 'amount', label: 'Amount', type: 'currency', required: false, options: { currency: 'EUR' }, active: true },
      { key: 'close_on', label: 'Close on', type: 'date', required: false, active: true },
      { key: 'hot', label: 'Hot', type: 'checkbox', required: false, active: true },
      { key: 'notes', label: 'Notes', type: 'textarea', required: false, active: true },
    ],
    source: 'template',
    record_prefix: 'DEA',
    display_field: 'name',
    status_field: 'stage',
    index_slots: [{ field: 'amount', slot: 0, state: 'ready' }],
    ...overrides,
  } as TModuleConfigView;
}

const pipeline: Widget = {
  id: 'deal-pipeline',
  type: 'pipeline',
  title: { en: 'Pipeline', es: 'Embudo' },
  position: { x: 0, y: 2, w: 8, h: 5 },
  config: { module: 'deals', stage_field: 'stage', value_field: 'amount', filter: { stage: ['Open', 'Won'] } },
};

describe('widget form model', () => {
  it('offers only the fields each picker can use', () => {
    const choices = fieldChoices(buildModule());
    expect(choices.numeric.map((field) => field.key)).toEqual(['amount']);
    // A number that is not indexed cannot be summed: the server would refuse it.
    expect(fieldChoices(buildModule({ index_slots: [] })).numeric).toEqual([]);
    expect(choices.stage.map((field) => field.key)).toEqual(['stage']);
    expect(choices.axis.map((field) => field.key)).toEqual(['stage', 'close_on', 'hot']);
    expect(choices.filterable.map((field) => field.key)).not.toContain('notes');
  });

  it('round-trips a template widget through the form unchanged', () => {
    const module = buildModule();
    expect(widgetFromDraft(draftFromWidget(pipeline), module)).toEqual(pipeline);
  });

  it('types filter values as the server compares them', () => {
    const module = buildModule();
    expect(
      filterFromRows(
        [
          { field: 'hot', values: ['true'] },
          { field: 'amount', values: ['100'] },
          { field: 'stage', values: ['Open', 'Won'] },
          { field: 'close_on', values: ['this_month'] },
          { field: 'name', values: [] },
        ],
        module,
      ),
    ).toEqual({ hot: true, amount: 100, stage: ['Open', 'Won'], close_on: 'this_month' });
  });

  it('builds a date-axis chart with a grouping and a sum series', () => {
    const module = buildModule();
    const draft = { ...newDraft('chart', [pipeline], module), titleEn: 'Won by month', xAxis: 'close_on', groupBy: 'month' as const, aggregation: 'sum' as const, field: 'amount' };
    const widget = widgetFromDraft(draft, module);
    expect(widget).toMatchObject({
      id: 'chart-1',
      type: 'chart',
      position: { x: 0, y: 7, w: 6, h: 4 },
      config: { module: 'deals', chart_type: 'bar', x_axis: 'close_on', group_by: 'month', y_axis: { aggregation: 'sum', field: 'amount' } },
    });
  });

  it('reports what the widget schema refuses instead of saving it', () => {
    const module = buildModule();
    const draft = { ...newDraft('metric_card', [], module), titleEn: 'Total', aggregation: 'sum' as const, field: '' };
    expect(widgetFromDraft(draft, module)).toMatchObject({ error: expect.stringContaining('config.field') });
  });

  it('applies drag/resize results inside the 12-column grid and keeps untouched widgets as they were', () => {
    const widgets = [pipeline];
    expect(applyLayout(widgets, [{ i: 'deal-pipeline', x: 0, y: 2, w: 8, h: 5 }])).toBe(widgets);
    expect(applyLayout(widgets, [{ i: 'deal-pipeline', x: 10, y: 0, w: 4, h: 3 }])[0]?.position).toEqual({ x: 8, y: 0, w: 4, h: 3 });
  });

  it('numbers new widget ids past the ones taken', () => {
    expect(newWidgetId('metric_card', [{ id: 'metric-card-1' }])).toBe('metric-card-2');
  });
});

describe('filters through a relationship', () => {
  const accounts = buildModule({
    slug: 'accounts',
    fields: [
      { key: 'name', label: 'Name', type: 'text', required: true, active: true },
      { key: 'tier', label: 'Tier', type: 'select', required: false, options: ['Gold', 'Silver'], active: true },
      { key: 'strategic', label: 'Strategic', type: 'checkbox', required: false, active: true },
      { key: 'founded', label: 'Founded', type: 'date', required: false, active: true },
    ],
  } as Partial<TModuleConfigView>);
  const deals = buildModule({
    fields: [...buildModule().fields, { key: 'account', label: 'Account', type: 'relationship', required: false, options: { related_module: 'accounts', display_field: 'name' }, active: true }],
  } as Partial<TModuleConfigView>);

  it('offers the related module\u2019s comparable fields, one hop, never its dates', () => {
    expect(pathFilterKeys(deals, [deals, accounts])).toEqual(['account.name', 'account.tier', 'account.strategic']);
    expect(pathFilterTarget(deals, [deals, accounts], 'account.tier')?.field.key).toBe('tier');
    expect(pathFilterTarget(deals, [deals, accounts], 'account.tier.more')).toBeNull();
    expect(pathFilterTarget(deals, [deals, accounts], 'stage')).toBeNull();
  });

  it('types a related value by the related field (a checkbox is a boolean)', () => {
    expect(filterFromRows([{ field: 'account.strategic', values: ['true'] }, { field: 'account.tier', values: ['Gold'] }], deals, [deals, accounts])).toEqual({ 'account.strategic': true, 'account.tier': 'Gold' });
  });

  it('builds a widget the schema accepts', () => {
    const widget = widgetFromDraft({ ...newDraft('metric_card', [], deals), titleEn: 'Gold deals', filters: [{ field: 'account.tier', values: ['Gold'] }] }, deals, [deals, accounts]);
    expect(widget).toMatchObject({ config: { filter: { 'account.tier': 'Gold' } } });
  });
});
