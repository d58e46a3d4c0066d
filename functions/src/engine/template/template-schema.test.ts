import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TemplateSchema,
  displayFieldFor,
  recordPrefixFor,
  resolveLabel,
  optionLabel,
  selectOptionValues,
  statusFieldFor,
  validateTemplate,
  formatPath,
  fieldDefinitionFromRow,
  FieldDefinitionSchema,
  LocalizedTextSchema,
  type TemplateError,
} from './template-schema.js';
import { buildTemplate } from './fixtures/build-template.js';
import { withPushed, withValue } from './fixtures/edit-json.js';

const templatesDir = new URL('../../../../templates/', import.meta.url);
const readJson = (url: URL): unknown => JSON.parse(readFileSync(url, 'utf8'));

function errorsOf(input: unknown): TemplateError[] {
  const result = validateTemplate(input);
  return result.ok ? [] : result.errors;
}

function expectOnlyError(input: unknown, path: string, message: string | RegExp): void {
  const errors = errorsOf(input);
  expect(errors).toHaveLength(1);
  expect(errors[0]?.path).toBe(path);
  expect(errors[0]?.message).toMatch(message);
}

describe('the brief and the shipped templates', () => {
  it("accepts the brief's sample Hospital template exactly as written", () => {
    const brief = readJson(new URL('./fixtures/brief-hospital.json', import.meta.url));
    const result = validateTemplate(brief);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.template.slug).toBe('hospital-crm');
    expect(result.template.is_system).toBe(true);
    expect(result.template.field_schemas.patients?.[0]).toMatchObject({ key: 'patient_id', searchable: true, unique: false, active: true });
    expect(TemplateSchema.safeParse(brief).success).toBe(true);
  });

  const files = readdirSync(templatesDir).filter((name) => name.endsWith('.json')).sort();
  it('ships exactly the five templates', () => {
    expect(files).toEqual(['blank.json', 'corporate.json', 'hospital.json', 'jewellery.json', 'real-estate.json']);
  });

  it.each(files)('templates/%s validates', (file) => {
    expect(errorsOf(readJson(new URL(file, templatesDir)))).toEqual([]);
  });

  it('hospital is a superset of the brief (modules and field keys)', () => {
    const brief = TemplateSchema.parse(readJson(new URL('./fixtures/brief-hospital.json', import.meta.url)));
    const hospital = TemplateSchema.parse(readJson(new URL('hospital.json', templatesDir)));
    expect(hospital.slug).toBe('hospital');
    for (const module of brief.enabled_modules) {
      expect(hospital.enabled_modules.map((m) => m.slug)).toContain(module.slug);
    }
    for (const [slug, fields] of Object.entries(brief.field_schemas)) {
      const keys = (hospital.field_schemas[slug] ?? []).map((field) => field.key);
      for (const field of fields) expect(keys).toContain(field.key);
    }
    expect(hospital.enabled_modules.map(recordPrefixFor)).toEqual(['PAT', 'APT', 'DOC', 'MRN']);
  });

  it('industry templates have 4-5 modules of 8-15 fields, 2-4 workflows, 4-6 widgets and all three roles', () => {
    for (const file of files.filter((name) => name !== 'blank.json')) {
      const template = TemplateSchema.parse(readJson(new URL(file, templatesDir)));
      expect(template.enabled_modules.length, file).toBeGreaterThanOrEqual(4);
      for (const module of template.enabled_modules) {
        const count = template.field_schemas[module.slug]?.length ?? 0;
        expect(count, `${file} ${module.slug}`).toBeGreaterThanOrEqual(8);
        expect(count, `${file} ${module.slug}`).toBeLessThanOrEqual(15);
      }
      const workflows = Object.values(template.workflow_schemas).flat().length;
      expect(workflows, file).toBeGreaterThanOrEqual(2);
      expect(workflows, file).toBeLessThanOrEqual(4);
      const widgets = template.dashboard_layout.default?.widgets.length ?? 0;
      expect(widgets, file).toBeGreaterThanOrEqual(4);
      expect(widgets, file).toBeLessThanOrEqual(6);
      expect(Object.keys(template.permissions_matrix).sort(), file).toEqual(['admin', 'member', 'owner']);
    }
  });

  it('blank has nothing and version 1.0.0', () => {
    const blank = TemplateSchema.parse(readJson(new URL('blank.json', templatesDir)));
    expect(blank).toMatchObject({ slug: 'blank', enabled_modules: [], field_schemas: {}, workflow_schemas: {}, dashboard_layout: {}, permissions_matrix: {}, version: '1.0.0' });
  });

  it('corporate opportunities have the stage pipeline and a currency amount', () => {
    const corporate = TemplateSchema.parse(readJson(new URL('corporate.json', templatesDir)));
    const fields = corporate.field_schemas.opportunities ?? [];
    const stage = fields.find((field) => field.key === 'stage');
    expect(stage && selectOptionValues(stage)).toEqual(['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost']);
    expect(fields.find((field) => field.key === 'amount')?.type).toBe('currency');
    const widgets = corporate.dashboard_layout.default?.widgets ?? [];
    expect(widgets.some((widget) => widget.type === 'pipeline' && widget.config.module === 'opportunities')).toBe(true);
  });
});

describe('validateTemplate reports every problem at once', () => {
  it('lists all errors of a template broken in many places, with paths', () => {
    let broken: unknown = buildTemplate({ version: '1.0' });
    broken = withPushed(broken, ['enabled_modules'], { slug: 'patients', label: 'Again' });
    broken = withValue(broken, ['field_schemas', 'patients', 1, 'type'], 'emale');
    broken = withPushed(broken, ['field_schemas', 'patients'], { key: 'full_name', label: 'Dup', type: 'text' });
    broken = withPushed(broken, ['field_schemas', 'patients'], { key: 'gender', label: 'Gender', type: 'select' });
    broken = withValue(broken, ['field_schemas', 'vets'], []);
    broken = withValue(broken, ['field_schemas', 'visits', 0, 'options', 'related_module'], 'owners');
    broken = withValue(broken, ['workflow_schemas', 'visits', 0, 'trigger_type'], 'on_save');
    broken = withPushed(broken, ['workflow_schemas', 'visits'], { name: 'Ping', trigger_type: 'record_updated', actions: [{ type: 'sms', to: 'x' }] });
    broken = withValue(broken, ['dashboard_layout', 'default', 'widgets', 0, 'config', 'aggregation'], 'median');
    broken = withPushed(broken, ['dashboard_layout', 'default', 'widgets'], {
      id: 'g',
      type: 'gauge',
      title: 'G',
      position: { x: 0, y: 0, w: 1, h: 1 },
      config: {},
    });
    broken = withValue(broken, ['permissions_matrix', 'member', 'visits'], ['read_own', 'fly']);
    broken = withValue(broken, ['permissions_matrix', 'guest'], {});

    expect(errorsOf(broken)).toEqual([
      { path: 'field_schemas.patients[1].type', message: expect.stringMatching(/^unknown field type "emale"; expected one of: text,/) },
      { path: 'field_schemas.patients[5].options', message: 'a select field needs options: a non-empty list of choices' },
      { path: 'workflow_schemas.visits[0].trigger_type', message: expect.stringMatching(/^unknown trigger type "on_save"/) },
      { path: 'workflow_schemas.visits[1].actions[0].type', message: expect.stringMatching(/^unknown action type "sms"; expected one of: send_email, update_field, create_task, webhook$/) },
      { path: 'dashboard_layout.default.widgets[0].config.aggregation', message: expect.stringMatching(/^unknown aggregation "median"/) },
      { path: 'dashboard_layout.default.widgets[1].type', message: expect.stringMatching(/^unknown widget type "gauge"/) },
      { path: 'permissions_matrix.member.visits[1]', message: expect.stringMatching(/^unknown permission action "fly"/) },
      { path: 'permissions_matrix.guest', message: 'unknown role "guest"; expected one of: owner, admin, member' },
      { path: 'version', message: 'must be a semantic version like 1.0.0 or 1.1.0-beta.1' },
      { path: 'enabled_modules[2].slug', message: 'duplicate module slug "patients" (first used at enabled_modules[0])' },
      { path: 'field_schemas.patients[4].key', message: 'duplicate field key "full_name" (first used at field_schemas.patients[0])' },
      { path: 'field_schemas.vets', message: 'field schema for module "vets" is not in enabled_modules' },
      { path: 'field_schemas.visits[0].options.related_module', message: 'relationship to module "owners" is not in enabled_modules' },
    ]);
  });

  it('names a relationship and a widget pointing at missing modules in the same pass as their other errors', () => {
    let broken: unknown = buildTemplate();
    // A relationship field that is malformed elsewhere (a typo key) and targets a module that is not there.
    broken = withValue(broken, ['field_schemas', 'visits', 0, 'options', 'related_module'], 'owners');
    broken = withValue(broken, ['field_schemas', 'visits', 0, 'lable'], 'typo');
    // A widget with a bad aggregation on a module that is not there.
    broken = withValue(broken, ['dashboard_layout', 'default', 'widgets', 0, 'config', 'aggregation'], 'median');
    broken = withValue(broken, ['dashboard_layout', 'default', 'widgets', 0, 'config', 'module'], 'invoices');
    const paths = errorsOf(broken).map((error) => `${error.path}: ${error.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^field_schemas\.visits\[0\]\.lable: unknown key/),
        'field_schemas.visits[0].options.related_module: relationship to module "owners" is not in enabled_modules',
        expect.stringMatching(/^dashboard_layout\.default\.widgets\[0\]\.config\.aggregation: unknown aggregation "median"/),
        'dashboard_layout.default.widgets[0].config.module: module "invoices" is not in enabled_modules',
      ]),
    );
    expect(paths).toHaveLength(4);
  });

  it('rejects input that is not an object', () => {
    expect(errorsOf(null)).toEqual([{ path: '(root)', message: 'must be an object, not null' }]);
  });

  it('formats paths like field_schemas.patients[2].options', () => {
    expect(formatPath(['field_schemas', 'patients', 2, 'options'])).toBe('field_schemas.patients[2].options');
    expect(formatPath(['filter', 'a b'])).toBe('filter["a b"]');
    expect(formatPath([])).toBe('(root)');
  });

  it('reports unknown keys (typos) instead of ignoring them', () => {
    const input = withValue(buildTemplate(), ['field_schemas', 'patients', 0, 'requried'], true);
    expectOnlyError(input, 'field_schemas.patients[0].requried', 'unknown key "requried"');
  });

  it('reports missing required top-level keys', () => {
    const input = withValue(buildTemplate(), ['name'], undefined);
    expectOnlyError(input, 'name', 'is required');
  });
});

describe('template rules', () => {
  const base = buildTemplate();

  it('accepts the base fixture', () => {
    expect(errorsOf(base)).toEqual([]);
  });

  it.each([
    ['1.0.0', true],
    ['10.20.30', true],
    ['1.1.0-beta.1', true],
    ['1.0', false],
    ['v1.0.0', false],
    ['01.0.0', false],
    ['1.0.0+build', false],
  ])('version %s valid: %s', (version, valid) => {
    expect(errorsOf(withValue(base, ['version'], version)).length === 0).toBe(valid);
  });

  it('rejects a bad template slug', () => {
    expectOnlyError(withValue(base, ['slug'], 'Hospital CRM'), 'slug', /lower-case/);
  });

  it('rejects a select and a multi_select without options, and empty or duplicate options', () => {
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 3, 'options'], undefined), 'field_schemas.patients[3].options', /needs options/);
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 3, 'options'], []), 'field_schemas.patients[3].options', 'must list at least one choice');
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 3, 'options'], ['Active', 'Active', 'Inactive']), 'field_schemas.patients[3].options[1]', 'duplicate option "Active"');
    const multi = withPushed(base, ['field_schemas', 'patients'], { key: 'tags', label: 'Tags', type: 'multi_select' });
    expectOnlyError(multi, 'field_schemas.patients[4].options', /multi_select field needs options/);
  });

  it('accepts option objects with i18n labels and colors', () => {
    const input = withValue(base, ['field_schemas', 'patients', 3, 'options'], [
      { value: 'Active', label: { en: 'Active', es: 'Activo' }, color: 'green' },
      'Inactive',
    ]);
    expect(errorsOf(input)).toEqual([]);
  });

  it('rejects options on a type that has none, and malformed relationship / currency options', () => {
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 0, 'options'], ['a']), 'field_schemas.patients[0].options', 'options are not used by text fields');
    expectOnlyError(withValue(base, ['field_schemas', 'visits', 0, 'options'], undefined), 'field_schemas.visits[0].options', /relationship field needs options/);
    expectOnlyError(
      withValue(base, ['field_schemas', 'visits', 0, 'options'], { related_module: 'patients' }),
      'field_schemas.visits[0].options.display_field',
      'is required',
    );
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 2, 'options'], { currency: 'usd' }), 'field_schemas.patients[2].options.currency', /ISO 4217/);
  });

  it('rejects a relationship whose display_field is not a field of the related module', () => {
    const input = withValue(base, ['field_schemas', 'visits', 0, 'options', 'display_field'], 'nickname');
    expectOnlyError(input, 'field_schemas.visits[0].options.display_field', '"nickname" is not a field of module "patients"');
  });

  it("does not check references into an enabled module whose fields the tenant defines later (the brief's doctors)", () => {
    let input = withPushed(base, ['enabled_modules'], { slug: 'doctors', label: 'Doctors' });
    input = withPushed(input, ['field_schemas', 'patients'], {
      key: 'doctor',
      label: 'Doctor',
      type: 'relationship',
      options: { related_module: 'doctors', display_field: 'full_name' },
    });
    expect(errorsOf(input)).toEqual([]);
  });

  it('rejects unknown field types', () => {
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 0, 'type'], 'string'), 'field_schemas.patients[0].type', /unknown field type "string"/);
  });

  it('rejects bad and reserved field keys', () => {
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 2, 'key'], 'Balance Due'), 'field_schemas.patients[2].key', /snake_case/);
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 2, 'key'], 'created_at'), 'field_schemas.patients[2].key', /reserved/);
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 2, 'key'], 'constructor'), 'field_schemas.patients[2].key', /reserved/);
  });

  it('rejects a field schema, workflows or permissions for a module that is not enabled', () => {
    expectOnlyError(withValue(base, ['field_schemas', 'vets'], [{ key: 'name', label: 'Name', type: 'text' }]), 'field_schemas.vets', /not in enabled_modules/);
    expectOnlyError(
      withValue(base, ['workflow_schemas', 'vets'], [{ name: 'x', trigger_type: 'record_created', actions: [{ type: 'create_task', title: 'x' }] }]),
      'workflow_schemas.vets',
      /not in enabled_modules/,
    );
    expectOnlyError(withValue(base, ['permissions_matrix', 'admin'], { vets: ['read'] }), 'permissions_matrix.admin.vets', /not in enabled_modules/);
  });

  it('checks validation rules: compiling pattern, min <= max, rule fits the type', () => {
    const rules = (validation: unknown, index = 0): unknown => withValue(base, ['field_schemas', 'patients', index, 'validation'], validation);
    expectOnlyError(rules({ pattern: '([a-z' }), 'field_schemas.patients[0].validation.pattern', /not a valid regular expression/);
    expectOnlyError(rules({ pattern: '^(?!x)(a+)+$' }), 'field_schemas.patients[0].validation.pattern', /the pattern of field "[a-z_]+".*uses a lookahead/);
    expectOnlyError(rules({ min_length: 5, max_length: 2 }), 'field_schemas.patients[0].validation.min_length', 'min_length must not exceed max_length');
    expectOnlyError(rules({ min: 10, max: 1 }, 2), 'field_schemas.patients[2].validation.min', 'min must not exceed max');
    expectOnlyError(rules({ min: 1 }), 'field_schemas.patients[0].validation.min', /only applies to number and currency/);
    expectOnlyError(rules({ max_length: 3 }, 2), 'field_schemas.patients[2].validation.max_length', /only applies to text/);
    expect(errorsOf(rules({ min_length: 2, max_length: 80, pattern: '^[A-Z]' }))).toEqual([]);
  });

  it('checks that a default is valid for its own field', () => {
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 3, 'default'], 'Gone'), 'field_schemas.patients[3].default', /"Status" must be one of: Active, Inactive/);
    expectOnlyError(withValue(base, ['field_schemas', 'patients', 2, 'default'], '12'), 'field_schemas.patients[2].default', /must be a number/);
    expect(errorsOf(withValue(base, ['field_schemas', 'patients', 3, 'default'], 'Active'))).toEqual([]);
  });

  it('refuses unique on types where it means nothing', () => {
    const input = withPushed(base, ['field_schemas', 'patients'], { key: 'vip', label: 'VIP', type: 'checkbox', unique: true });
    expectOnlyError(input, 'field_schemas.patients[4].unique', 'checkbox fields cannot be unique');
  });

  it('requires default_statuses to agree with the status field', () => {
    expectOnlyError(withValue(base, ['enabled_modules', 0, 'default_statuses'], ['Active']), 'enabled_modules[0].default_statuses', 'missing status field option(s) "Inactive"');
    const errors = errorsOf(withValue(base, ['enabled_modules', 0, 'default_statuses'], ['Active', 'Inactive', 'Gone']));
    expect(errors).toEqual([{ path: 'enabled_modules[0].default_statuses[2]', message: '"Gone" is not an option of the status field "status"' }]);
  });

  it('checks display_field, status_field and record_prefix of modules', () => {
    expectOnlyError(withValue(base, ['enabled_modules', 0, 'display_field'], 'nick'), 'enabled_modules[0].display_field', /not a field of module "patients"/);
    expectOnlyError(withValue(base, ['enabled_modules', 0, 'status_field'], 'email'), 'enabled_modules[0].status_field', '"email" must be a select field');
    expectOnlyError(withValue(base, ['enabled_modules', 0, 'record_prefix'], 'pat'), 'enabled_modules[0].record_prefix', /capital letters/);
    expect(errorsOf(withValue(base, ['enabled_modules', 0, 'display_field'], 'record_number'))).toEqual([]);
  });

  it('rejects labels that are empty or translations without "en"', () => {
    expectOnlyError(withValue(base, ['enabled_modules', 1, 'label'], { es: 'Visitas' }), 'enabled_modules[1].label', 'a translated label must include "en"');
    expectOnlyError(withValue(base, ['enabled_modules', 1, 'label'], ''), 'enabled_modules[1].label', 'must not be empty');
    expectOnlyError(withValue(base, ['enabled_modules', 1, 'label'], { en: 'Visits', spanish: 'Visitas' }), 'enabled_modules[1].label.spanish', /invalid key/);
  });

  it('requires default_language to be one of languages', () => {
    expectOnlyError({ ...base, languages: ['es'], default_language: 'en' }, 'default_language', /not one of the template's languages/);
  });
});

describe('workflow rules', () => {
  const base = buildTemplate();
  const workflow = (definition: Record<string, unknown>): unknown =>
    withValue(base, ['workflow_schemas', 'visits'], [{ name: 'W', trigger_type: 'record_updated', actions: [{ type: 'create_task', title: 'T' }], ...definition }]);
  const at = 'workflow_schemas.visits[0]';

  it('rejects unknown trigger and action types, and empty actions', () => {
    expectOnlyError(workflow({ trigger_type: 'nightly' }), `${at}.trigger_type`, /unknown trigger type "nightly"/);
    expectOnlyError(workflow({ actions: [{ type: 'fax' }] }), `${at}.actions[0].type`, /unknown action type "fax"/);
    expectOnlyError(workflow({ actions: [] }), `${at}.actions`, 'must list at least one action');
  });

  it('validates each action shape', () => {
    expectOnlyError(workflow({ actions: [{ type: 'send_email', to: 'a@b.co', subject: 'Hi' }] }), `${at}.actions[0].body`, 'is required');
    expectOnlyError(workflow({ actions: [{ type: 'webhook', url: 'ftp://x.example' }] }), `${at}.actions[0].url`, /http/);
    expectOnlyError(workflow({ actions: [{ type: 'create_task', title: 'x', assignee: 'boss' }] }), `${at}.actions[0].assignee`, /owner, creator|"owner"/);
  });

  it('checks condition fields, one relationship hop and system fields', () => {
    expect(errorsOf(workflow({ trigger_conditions: { field: 'patient.email', operator: 'is_not_empty' } }))).toEqual([]);
    expect(errorsOf(workflow({ trigger_conditions: { field: 'created_at', operator: 'is_today' } }))).toEqual([]);
    expectOnlyError(workflow({ trigger_conditions: { field: 'doctor', operator: 'is_empty' } }), `${at}.trigger_conditions.field`, '"doctor" is not a field of module "visits"');
    expectOnlyError(workflow({ trigger_conditions: { field: 'patient.phone', operator: 'is_empty' } }), `${at}.trigger_conditions.field`, '"phone" is not a field of module "patients" (in "patient.phone")');
    expectOnlyError(workflow({ trigger_conditions: { field: 'fee.amount', operator: 'is_empty' } }), `${at}.trigger_conditions.field`, /not a relationship field/);
  });

  it('checks nested all/any groups, operators and values', () => {
    const conditions = { all: [{ field: 'status', operator: 'equals', value: 'Booked' }, { any: [{ field: 'fee', operator: 'greater_than', value: 10 }, { field: 'visit_at', operator: 'foo' }] }] };
    expectOnlyError(workflow({ trigger_conditions: conditions }), `${at}.trigger_conditions.all[1].any[1].operator`, /unknown operator "foo"/);
    expectOnlyError(workflow({ trigger_conditions: { field: 'status', operator: 'equals', value: 'Bookd' } }), `${at}.trigger_conditions.value`, '"Bookd" is not an option of "status"');
    expectOnlyError(workflow({ trigger_conditions: { field: 'status', operator: 'is_today' } }), `${at}.trigger_conditions.operator`, /needs a date or datetime field/);
    expectOnlyError(workflow({ trigger_conditions: { field: 'status', operator: 'in', value: [] } }), `${at}.trigger_conditions.value`, /non-empty list/);
    expectOnlyError(workflow({ trigger_conditions: { field: 'status', operator: 'equals' } }), `${at}.trigger_conditions.value`, 'equals needs a value');
    expectOnlyError(workflow({ trigger_conditions: { all: [] } }), `${at}.trigger_conditions.all`, 'must list at least one condition');
    expectOnlyError(
      workflow({ trigger_type: 'record_created', trigger_conditions: { field: 'status', operator: 'changed' } }),
      `${at}.trigger_conditions.operator`,
      /only applies to record_updated/,
    );
  });

  it('checks trigger_config against the trigger type and the module', () => {
    expect(errorsOf(workflow({ trigger_type: 'field_changed', trigger_config: { fields: ['fee'] } }))).toEqual([]);
    expectOnlyError(workflow({ trigger_type: 'field_changed', trigger_config: { fields: ['cost'] } }), `${at}.trigger_config.fields[0]`, /"cost" is not a field/);
    expect(errorsOf(workflow({ trigger_type: 'status_changed', trigger_config: { to: ['Done'] } }))).toEqual([]);
    expectOnlyError(workflow({ trigger_type: 'status_changed', trigger_config: { to: ['Finished'] } }), `${at}.trigger_config.to[0]`, '"Finished" is not an option of "status"');
    expectOnlyError(workflow({ trigger_type: 'status_changed', trigger_config: { fields: ['fee'] } }), `${at}.trigger_config`, /status_changed takes/);
    expectOnlyError(workflow({ trigger_config: { fields: ['fee'] } }), `${at}.trigger_config`, 'record_updated workflows take no trigger_config');
    const scheduled = { trigger_type: 'scheduled', trigger_config: { field: 'visit_at', offset: 24, unit: 'hours', direction: 'before' } };
    expect(errorsOf(workflow(scheduled))).toEqual([]);
    expectOnlyError(workflow({ ...scheduled, trigger_config: { ...scheduled.trigger_config, field: 'fee' } }), `${at}.trigger_config.field`, /must be a date or datetime field/);
    expectOnlyError(workflow({ ...scheduled, trigger_config: { ...scheduled.trigger_config, unit: 'weeks' } }), `${at}.trigger_config.unit`, /minutes/);
  });

  it("accepts the brief's scheduled workflow (is_tomorrow condition, no trigger_config) but not a bare scheduled one", () => {
    expect(errorsOf(workflow({ trigger_type: 'scheduled', trigger_conditions: { field: 'visit_at', operator: 'is_tomorrow' } }))).toEqual([]);
    expectOnlyError(workflow({ trigger_type: 'scheduled' }), `${at}.trigger_config`, /needs trigger_config/);
  });

  it('accepts a manual workflow with conditions but no trigger_config, and no change operators (there is no "before")', () => {
    expect(errorsOf(workflow({ trigger_type: 'manual', trigger_conditions: { field: 'status', operator: 'equals', value: 'Booked' } }))).toEqual([]);
    expectOnlyError(workflow({ trigger_type: 'manual', trigger_config: { fields: ['fee'] } }), `${at}.trigger_config`, 'manual workflows take no trigger_config');
    expectOnlyError(workflow({ trigger_type: 'manual', trigger_conditions: { field: 'status', operator: 'changed' } }), `${at}.trigger_conditions.operator`, /only applies to record_updated/);
  });

  it('checks update_field targets and values', () => {
    expect(errorsOf(workflow({ actions: [{ type: 'update_field', field: 'status', value: 'Done' }] }))).toEqual([]);
    expect(errorsOf(workflow({ actions: [{ type: 'update_field', field: 'fee', value: null }] }))).toEqual([]);
    expectOnlyError(workflow({ actions: [{ type: 'update_field', field: 'status', value: 'Closed' }] }), `${at}.actions[0].value`, /"Status" must be one of: Booked, Done/);
    expectOnlyError(workflow({ actions: [{ type: 'update_field', field: 'fee', value: 'free' }] }), `${at}.actions[0].value`, /"Fee" must be a number/);
    expectOnlyError(workflow({ actions: [{ type: 'update_field', field: 'visit_at', value: null }] }), `${at}.actions[0].value`, '"Visit At" is required');
    expectOnlyError(workflow({ actions: [{ type: 'update_field', field: 'colour', value: 'x' }] }), `${at}.actions[0].field`, /"colour" is not a field/);
  });

  it('checks {{data.*}} placeholders', () => {
    expectOnlyError(
      workflow({ actions: [{ type: 'send_email', to: '{{data.patient.emial}}', subject: 'x', body: '{{tenant.name}}' }] }),
      `${at}.actions[0].to`,
      'placeholder {{data.patient.emial}}: "emial" is not a field of module "patients"',
    );
  });

  it('rejects duplicate workflow names in a module', () => {
    const twice = { name: 'W', trigger_type: 'record_created', actions: [{ type: 'create_task', title: 'T' }] };
    expectOnlyError(withValue(base, ['workflow_schemas', 'visits'], [twice, twice]), 'workflow_schemas.visits[1].name', /duplicate workflow name "W"/);
  });
});

describe('dashboard rules', () => {
  const base = buildTemplate();
  const widget = (definition: Record<string, unknown>): unknown =>
    withValue(base, ['dashboard_layout', 'default', 'widgets'], [{ id: 'w', title: 'W', position: { x: 0, y: 0, w: 4, h: 2 }, ...definition }]);
  const at = 'dashboard_layout.default.widgets[0]';

  it('rejects unknown widget types and aggregations', () => {
    expectOnlyError(widget({ type: 'gauge', config: {} }), `${at}.type`, /unknown widget type "gauge"/);
    expectOnlyError(widget({ type: 'metric_card', config: { module: 'patients', aggregation: 'median' } }), `${at}.config.aggregation`, /unknown aggregation "median"/);
  });

  it('checks metric cards: module enabled, field needed and numeric for sum/avg/min/max', () => {
    expectOnlyError(widget({ type: 'metric_card', config: { module: 'vets', aggregation: 'count' } }), `${at}.config.module`, 'module "vets" is not in enabled_modules');
    expectOnlyError(widget({ type: 'metric_card', config: { module: 'patients', aggregation: 'sum' } }), `${at}.config.field`, 'is required unless the aggregation is count');
    expectOnlyError(widget({ type: 'metric_card', config: { module: 'patients', aggregation: 'avg', field: 'email' } }), `${at}.config.field`, /must be a number or currency field; it is email/);
    expect(errorsOf(widget({ type: 'metric_card', config: { module: 'patients', aggregation: 'sum', field: 'balance' } }))).toEqual([]);
  });

  it('checks filters: known fields, select options, relative dates', () => {
    expect(errorsOf(widget({ type: 'metric_card', config: { module: 'visits', aggregation: 'count', filter: { visit_at: 'today', status: ['Booked'] } } }))).toEqual([]);
    expectOnlyError(widget({ type: 'metric_card', config: { module: 'visits', aggregation: 'count', filter: { room: 1 } } }), `${at}.config.filter.room`, /not a field/);
    expectOnlyError(widget({ type: 'metric_card', config: { module: 'visits', aggregation: 'count', filter: { status: 'Late' } } }), `${at}.config.filter.status`, /"Late" is not an option/);
    expectOnlyError(widget({ type: 'metric_card', config: { module: 'visits', aggregation: 'count', filter: { visit_at: 'someday' } } }), `${at}.config.filter.visit_at`, /relative date/);
  });

  it('takes a filter through one relationship, with the same rules as a dashboard saved by hand', () => {
    const count = (filter: Record<string, unknown>) => widget({ type: 'metric_card', config: { module: 'visits', aggregation: 'count', filter } });
    expect(errorsOf(count({ 'patient.status': 'Active', visit_at: 'this_month' }))).toEqual([]);
    expectOnlyError(count({ 'patient.status': 'Gone' }), `${at}.config.filter["patient.status"]`, /"Gone" is not an option of "patient.status"/);
    expectOnlyError(count({ 'patient.age': 3 }), `${at}.config.filter["patient.age"]`, /"age" is not a field of module "patients"/);
    expectOnlyError(count({ 'status.name': 'x' }), `${at}.config.filter["status.name"]`, /"status" is not a relationship field/);
    expectOnlyError(count({ 'patient.status': 'Active', patient: 'p1' }), `${at}.config.filter["patient.status"]`, /"patient.status" and "patient" cannot be combined; keep one of them/);
    expectOnlyError(count({ status: 'Done', 'patient.status': 'Active' }), `${at}.config.filter`, /filters on "status" and "patient" cannot be combined/);
    expectOnlyError(count({ 'patient.status': 'Active', 'patient.email': 'a@b.c' }), `${at}.config.filter["patient.email"]`, /both go through a relationship/);
    expectOnlyError(count({ 'patient.created_at': 'today' }), `${at}.config.filter["patient.created_at"]`, /through a relationship a dashboard filters on values/);
  });

  it('refuses a filter one query cannot answer, with the words a dashboard saved by hand is refused with', () => {
    const count = (filter: Record<string, unknown>) => widget({ type: 'metric_card', config: { module: 'visits', aggregation: 'count', filter } });
    expect(errorsOf(count({ status: 'Done', visit_at: 'this_week' }))).toEqual([]);
    expectOnlyError(count({ status: 'Done', fee: 10 }), `${at}.config.filter`, /filters on "status" and "fee" cannot be combined/);
    expectOnlyError(count({ visit_at: 'this_week', created_at: 'today' }), `${at}.config.filter`, /a range on "visit_at" or on created_at, not both/);
    expectOnlyError(count({ fee: 10, visit_at: 'this_week' }), `${at}.config.filter`, /"fee" is a currency field: only select, multi-select, checkbox and relationship filters combine with a range/);
    expectOnlyError(count({ status: [] }), `${at}.config.filter`, /"status" must list 1 to 30 values/);
  });

  it('checks charts: x_axis, y_axis, group_by, date_range', () => {
    const chart = { module: 'visits', chart_type: 'bar', x_axis: 'visit_at', y_axis: 'count', group_by: 'week', date_range: 'last_30_days' };
    expect(errorsOf(widget({ type: 'chart', config: chart }))).toEqual([]);
    expectOnlyError(widget({ type: 'chart', config: { ...chart, x_axis: 'when' } }), `${at}.config.x_axis`, /"when" is not a field/);
    expectOnlyError(widget({ type: 'chart', config: { ...chart, x_axis: 'status' } }), `${at}.config.group_by`, /needs a date or datetime x_axis/);
    expectOnlyError(widget({ type: 'chart', config: { ...chart, y_axis: { aggregation: 'sum', field: 'status' } } }), `${at}.config.y_axis.field`, /must be a number or currency/);
    expectOnlyError(widget({ type: 'chart', config: { ...chart, chart_type: 'radar' } }), `${at}.config.chart_type`, /unknown chart type "radar"/);
    expectOnlyError(widget({ type: 'chart', config: { ...chart, date_range: 'forever' } }), `${at}.config.date_range`, /unknown date range "forever"/);
  });

  it('checks recent_records fields (system fields allowed) and limit', () => {
    expect(errorsOf(widget({ type: 'recent_records', config: { module: 'patients', limit: 5, fields: ['full_name', 'created_at', 'owner', 'record_number'] } }))).toEqual([]);
    expectOnlyError(widget({ type: 'recent_records', config: { module: 'patients', limit: 5, fields: ['full_name', 'age'] } }), `${at}.config.fields[1]`, /"age" is not a field/);
    expectOnlyError(widget({ type: 'recent_records', config: { module: 'patients', limit: 500, fields: ['full_name'] } }), `${at}.config.limit`, 'must be at most 50');
  });

  it('checks pipelines: stage_field is a select, value_field numeric', () => {
    expect(errorsOf(widget({ type: 'pipeline', config: { module: 'visits', stage_field: 'status', value_field: 'fee' } }))).toEqual([]);
    expectOnlyError(widget({ type: 'pipeline', config: { module: 'visits', stage_field: 'visit_at' } }), `${at}.config.stage_field`, /must be a select field/);
    expectOnlyError(widget({ type: 'pipeline', config: { module: 'visits', stage_field: 'status', value_field: 'patient' } }), `${at}.config.value_field`, /number or currency/);
  });

  it('keeps widgets on the 12-column grid and ids unique per dashboard', () => {
    expectOnlyError(widget({ type: 'metric_card', position: { x: 10, y: 0, w: 4, h: 2 }, config: { module: 'patients', aggregation: 'count' } }), `${at}.position`, /x \+ w must not exceed/);
    const one = { id: 'same', type: 'metric_card', title: 'A', position: { x: 0, y: 0, w: 3, h: 2 }, config: { module: 'patients', aggregation: 'count' } };
    expectOnlyError(withValue(base, ['dashboard_layout', 'default', 'widgets'], [one, one]), 'dashboard_layout.default.widgets[1].id', 'duplicate widget id "same"');
  });

  it('accepts role_restriction of a role or null, not an unknown role', () => {
    expect(errorsOf(withValue(base, ['dashboard_layout', 'default', 'role_restriction'], 'admin'))).toEqual([]);
    expect(errorsOf(withValue(base, ['dashboard_layout', 'default', 'role_restriction'], null))).toEqual([]);
    expect(errorsOf(withValue(base, ['dashboard_layout', 'default', 'role_restriction'], 'boss'))).toHaveLength(1);
  });
});

describe('permission rules', () => {
  const base = buildTemplate();
  it('rejects unknown roles, unknown actions and duplicates', () => {
    expectOnlyError(withValue(base, ['permissions_matrix', 'staff'], { patients: ['read'] }), 'permissions_matrix.staff', /unknown role "staff"/);
    expectOnlyError(withValue(base, ['permissions_matrix', 'member', 'visits'], ['read', 'write']), 'permissions_matrix.member.visits[1]', /unknown permission action "write"/);
    expectOnlyError(withValue(base, ['permissions_matrix', 'member', 'visits'], ['read', 'read']), 'permissions_matrix.member.visits[1]', 'duplicate action "read"');
  });
  it('accepts every documented action', () => {
    const all = ['create', 'read', 'update', 'delete', 'export', '*', 'read_own', 'update_own', 'delete_own'];
    expect(errorsOf(withValue(base, ['permissions_matrix', 'admin'], { patients: all }))).toEqual([]);
  });
});

describe('helpers', () => {
  it('resolveLabel picks the language, its base, the fallback, then any', () => {
    const label = { en: 'Patients', es: 'Pacientes', 'pt-BR': 'Pacientes (BR)' };
    expect(resolveLabel(label, 'es')).toBe('Pacientes');
    expect(resolveLabel(label, 'es-MX')).toBe('Pacientes');
    expect(resolveLabel(label, 'pt-BR')).toBe('Pacientes (BR)');
    expect(resolveLabel(label, 'fr')).toBe('Patients');
    expect(resolveLabel('Plain', 'es')).toBe('Plain');
    expect(LocalizedTextSchema.safeParse({ es: 'x' }).success).toBe(false);
  });

  it('optionLabel and selectOptionValues read both option forms', () => {
    const field = FieldDefinitionSchema.parse({ key: 'tier', label: 'Tier', type: 'select', options: ['Gold', { value: 'vip', label: { en: 'VIP', es: 'Muy importante' } }] });
    expect(selectOptionValues(field)).toEqual(['Gold', 'vip']);
    expect(optionLabel({ value: 'vip', label: { en: 'VIP', es: 'Muy importante' } }, 'es')).toBe('Muy importante');
    expect(optionLabel('Gold', 'es')).toBe('Gold');
    expect(optionLabel({ value: 'raw' })).toBe('raw');
  });

  it('fills field defaults, searchable by type', () => {
    const text = FieldDefinitionSchema.parse({ key: 'a', label: 'A', type: 'text' });
    const date = FieldDefinitionSchema.parse({ key: 'b', label: 'B', type: 'date' });
    expect(text).toMatchObject({ required: false, system: false, unique: false, active: true, searchable: true });
    expect(date.searchable).toBe(false);
    expect(FieldDefinitionSchema.parse({ key: 'c', label: 'C', type: 'email', searchable: false }).searchable).toBe(false);
  });

  it('recordPrefixFor derives from the slug unless set', () => {
    expect(recordPrefixFor({ slug: 'patients' })).toBe('PAT');
    expect(recordPrefixFor({ slug: 'medical_records' })).toBe('MED');
    expect(recordPrefixFor({ slug: 'appointments', record_prefix: 'APT' })).toBe('APT');
  });

  it('displayFieldFor and statusFieldFor fall back sensibly', () => {
    const fields = [
      { key: 'code', type: 'text' as const, required: false },
      { key: 'title', type: 'text' as const, required: true },
      { key: 'status', type: 'select' as const, required: false },
    ];
    expect(displayFieldFor({}, fields)).toBe('title');
    expect(displayFieldFor({ display_field: 'code' }, fields)).toBe('code');
    expect(displayFieldFor({}, [{ key: 'code', type: 'text', required: false }, { key: 'ref', type: 'text', required: true }])).toBe('ref');
    expect(displayFieldFor({}, [])).toBe('record_number');
    expect(statusFieldFor({}, fields)).toBe('status');
    expect(statusFieldFor({ status_field: 'stage' }, fields)).toBe('stage');
    expect(statusFieldFor({}, [{ key: 'status', type: 'text', required: false }])).toBeUndefined();
  });

  it("fieldDefinitionFromRow maps the brief's crm_module_fields row shape", () => {
    const row = {
      field_key: 'blood_group',
      field_label: 'Blood Group',
      field_type: 'select',
      field_options: { options: ['A+', 'B+'] },
      is_required: true,
      is_searchable: false,
      display_order: 3,
      validation_rules: {},
    };
    expect(FieldDefinitionSchema.parse(fieldDefinitionFromRow(row))).toMatchObject({
      key: 'blood_group',
      options: ['A+', 'B+'],
      required: true,
      searchable: false,
      order: 3,
    });
  });
});

describe('hostile input', () => {
  it('refuses absurdly nested conditions without overflowing the stack', () => {
    let condition: unknown = { field: 'status', operator: 'is_empty' };
    for (let i = 0; i < 50_000; i += 1) condition = { all: [condition] };
    const input = withValue(buildTemplate(), ['workflow_schemas', 'visits', 0, 'trigger_conditions'], { field: 'status', operator: 'is_empty' });
    const parsed = JSON.parse(JSON.stringify(input)) as { workflow_schemas: { visits: Array<Record<string, unknown>> } };
    const workflow = parsed.workflow_schemas.visits[0];
    if (workflow) workflow.trigger_conditions = condition;
    expect(errorsOf(parsed)).toEqual([
      { path: 'workflow_schemas.visits[0].trigger_conditions', message: 'conditions may nest at most 6 levels deep' },
    ]);
  });

  it('refuses a condition tree wider than the node limit (evaluated on every record change)', () => {
    const leaf = { field: 'status', operator: 'is_empty' };
    const tooMany = { any: Array.from({ length: 100 }, () => leaf) };
    expect(errorsOf(withValue(buildTemplate(), ['workflow_schemas', 'visits', 0, 'trigger_conditions'], tooMany))).toEqual([
      { path: 'workflow_schemas.visits[0].trigger_conditions', message: 'a condition tree may hold at most 100 conditions and groups' },
    ]);
    const atLimit = { any: Array.from({ length: 99 }, () => leaf) };
    expect(errorsOf(withValue(buildTemplate(), ['workflow_schemas', 'visits', 0, 'trigger_conditions'], atLimit))).toEqual([]);
  });

  it('accepts nesting up to the limit', () => {
    let condition: unknown = { field: 'status', operator: 'is_empty' };
    for (let i = 0; i < 5; i += 1) condition = { any: [condition] };
    expect(errorsOf(withValue(buildTemplate(), ['workflow_schemas', 'visits', 0, 'trigger_conditions'], condition))).toEqual([]);
  });
});
