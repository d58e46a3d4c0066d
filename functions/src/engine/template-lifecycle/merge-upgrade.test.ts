import { describe, expect, it } from 'vitest';
import { TemplateSchema, type Template, type TemplateInput } from '../template/template-schema.js';
import { buildTemplate } from '../template/fixtures/build-template.js';
import { mergeTemplateUpgrade } from './merge-upgrade.js';
import { sideFromTemplate, type ConfigSide, type ModuleShape } from './template-side.js';
import { diffTemplates } from './diff-templates.js';
import type { FieldDefinition } from '../fields/field-definition.js';

function parse(overrides: Partial<TemplateInput> = {}): Template {
  return TemplateSchema.parse(buildTemplate(overrides));
}

const BASE = parse();

/** The next version: the base fixture edited by `edit` (a deep copy is passed in). */
function buildNext(edit: (input: TemplateInput) => void, version = '1.1.0'): Template {
  const input = structuredClone(buildTemplate({ version }));
  edit(input);
  return TemplateSchema.parse(input);
}

function fieldsOf(input: TemplateInput, module: string): Array<Record<string, unknown>> {
  return (input.field_schemas as Record<string, Array<Record<string, unknown>>>)[module] ?? [];
}

/** The tenant as it was right after selecting BASE, edited by `edit`. */
function buildTenant(edit: (side: { modules: ModuleShape[]; workflows: ConfigSide['workflows'][number][]; dashboards: ConfigSide['dashboards'][number][]; permissions: Record<string, Record<string, string[]>> }) => void = () => {}) {
  const side = structuredClone(sideFromTemplate(BASE)) as unknown as {
    modules: ModuleShape[];
    workflows: Array<ConfigSide['workflows'][number]>;
    dashboards: Array<ConfigSide['dashboards'][number]>;
    permissions: Record<string, Record<string, string[]>>;
  };
  side.workflows = side.workflows.map((workflow, index) => ({ ...workflow, id: `wf${index}` }));
  side.dashboards = side.dashboards.map((dashboard, index) => ({ ...dashboard, id: `db${index}` }));
  edit(side);
  return side as unknown as ConfigSide;
}

function moduleIn(modules: readonly ModuleShape[], slug: string): ModuleShape {
  const module = modules.find((candidate) => candidate.slug === slug);
  if (!module) throw new Error(`no module ${slug}`);
  return module;
}

function fieldIn(module: ModuleShape, key: string): FieldDefinition | undefined {
  return module.fields.find((field) => field.key === key);
}

function editField(side: { modules: ModuleShape[] }, module: string, key: string, edit: (field: Record<string, unknown>) => void): void {
  const target = moduleIn(side.modules, module).fields.find((field) => field.key === key) as unknown as Record<string, unknown>;
  edit(target);
}

describe('mergeTemplateUpgrade', () => {
  it('keeps the tenant wording when both renamed a label, and still takes the translation the template added', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients')[0]!.label = { en: 'Full name', es: 'Nombre completo' };
    });
    const tenant = buildTenant((side) => editField(side, 'patients', 'full_name', (field) => { field.label = 'Patient name'; }));
    const result = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant });
    expect(fieldIn(moduleIn(result.modules, 'patients'), 'full_name')?.label).toEqual({ en: 'Patient name', es: 'Nombre completo' });
    expect(result.conflicts).toEqual([
      expect.objectContaining({
        path: 'modules.patients.fields.full_name.label.en',
        base: 'Full Name',
        theirs: 'Full name',
        ours: 'Patient name',
        resolution: 'kept_tenant',
        chosen: false,
      }),
    ]);
    expect(result.unresolved).toEqual([]);
  });

  it('takes the template label when only the template renamed it, and the admin can choose the template wording in a conflict', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients')[0]!.label = 'Full name';
    });
    const untouched = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant: buildTenant() });
    expect(fieldIn(moduleIn(untouched.modules, 'patients'), 'full_name')?.label).toBe('Full name');
    expect(untouched.conflicts).toEqual([]);

    const tenant = buildTenant((side) => editField(side, 'patients', 'full_name', (field) => { field.label = 'Patient name'; }));
    const chosen = mergeTemplateUpgrade({
      base: sideFromTemplate(BASE),
      next: sideFromTemplate(next),
      tenant,
      choices: { 'modules.patients.fields.full_name.label.en': 'took_template' },
    });
    expect(fieldIn(moduleIn(chosen.modules, 'patients'), 'full_name')?.label).toBe('Full name');
    expect(chosen.conflicts[0]).toMatchObject({ resolution: 'took_template', chosen: true });
  });

  it('keeps a field the tenant deleted (deactivated) deleted when the template changed it, taking the change underneath', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients')[1]!.label = 'E-mail address';
      fieldsOf(input, 'patients')[1]!.validation = { max_length: 200 };
    });
    const tenant = buildTenant((side) => editField(side, 'patients', 'email', (field) => { field.active = false; }));
    const result = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant });
    const email = fieldIn(moduleIn(result.modules, 'patients'), 'email');
    expect(email).toMatchObject({ active: false, label: 'E-mail address', validation: { max_length: 200 } });
    expect(result.conflicts).toEqual([expect.objectContaining({ path: 'modules.patients.fields.email', resolution: 'kept_tenant' })]);
    expect(result.unresolved).toEqual([]);
  });

  it('keeps a field the tenant removed outright removed when the template changed it, unless the admin restores it', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients')[2]!.label = 'Account balance';
    });
    const tenant = buildTenant((side) => {
      const patients = moduleIn(side.modules, 'patients') as unknown as { fields: FieldDefinition[] };
      patients.fields = patients.fields.filter((field) => field.key !== 'balance');
    });
    const kept = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant });
    expect(fieldIn(moduleIn(kept.modules, 'patients'), 'balance')).toBeUndefined();
    expect(kept.conflicts).toEqual([expect.objectContaining({ path: 'modules.patients.fields.balance', resolution: 'kept_tenant', ours: undefined })]);
    const restored = mergeTemplateUpgrade({
      base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant, choices: { 'modules.patients.fields.balance': 'took_template' },
    });
    expect(fieldIn(moduleIn(restored.modules, 'patients'), 'balance')?.label).toBe('Account balance');
  });

  it('asks what to do with a module the template removes while the tenant has records in it', () => {
    const next = buildNext((input) => {
      input.enabled_modules = input.enabled_modules.filter((module) => module.slug !== 'visits');
      delete (input.field_schemas as Record<string, unknown>).visits;
      input.workflow_schemas = {};
      input.permissions_matrix = { owner: { patients: ['*'] } };
    });
    const tenant = { ...buildTenant(), recordCounts: { patients: 3, visits: 12 } };
    const asked = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant });
    expect(asked.conflicts).toEqual([
      expect.objectContaining({ path: 'modules.visits', resolution: 'needs_choice', recordCount: 12, reason: expect.stringMatching(/12 record/) }),
    ]);
    expect(asked.unresolved).toEqual(['modules.visits']);

    const kept = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant, choices: { 'modules.visits': 'kept_tenant' } });
    expect(moduleIn(kept.modules, 'visits').source).toBe('custom');
    expect(kept.unresolved).toEqual([]);
    // The tenant keeps its grants and automation on a module it keeps.
    expect(kept.permissions.owner?.visits).toEqual(['*']);
    expect(kept.workflows.map((workflow) => workflow.definition.name)).toEqual(['Confirm']);

    const removed = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant, choices: { 'modules.visits': 'took_template' } });
    expect(removed.modules.map((module) => module.slug)).toEqual(['patients']);
    expect(removed.removedWorkflowIds).toEqual(['wf0']);
    expect(removed.permissions.owner?.visits).toBeUndefined();
  });

  it('removes a module the template drops without asking when the tenant neither changed nor used it', () => {
    const next = buildNext((input) => {
      input.enabled_modules = input.enabled_modules.filter((module) => module.slug !== 'visits');
      delete (input.field_schemas as Record<string, unknown>).visits;
      input.workflow_schemas = {};
      input.permissions_matrix = { owner: { patients: ['*'] } };
    });
    const result = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant: { ...buildTenant(), recordCounts: { visits: 0 } } });
    expect(result.conflicts).toEqual([]);
    expect(result.modules.map((module) => module.slug)).toEqual(['patients']);
    expect(result.changes).toContainEqual(expect.objectContaining({ kind: 'remove', path: 'modules.visits' }));
  });

  it('keeps custom fields and modules and adds what the template adds', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients').push({ key: 'blood_group', label: 'Blood group', type: 'select', options: ['A', 'B', 'O'] });
    });
    const tenant = buildTenant((side) => {
      (moduleIn(side.modules, 'patients').fields as FieldDefinition[]).push({ key: 'insurer', label: 'Insurer', type: 'text', required: false, system: false, unique: false, active: true, searchable: true, custom: true, order: 4 });
      side.modules.push({ slug: 'vehicles', label: 'Vehicles', fields: [], source: 'custom' });
    });
    const result = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant });
    expect(moduleIn(result.modules, 'patients').fields.map((field) => field.key)).toEqual(['full_name', 'email', 'balance', 'status', 'insurer', 'blood_group']);
    expect(fieldIn(moduleIn(result.modules, 'patients'), 'blood_group')?.order).toBe(5);
    expect(moduleIn(result.modules, 'vehicles').source).toBe('custom');
    expect(result.changes).toContainEqual(expect.objectContaining({ kind: 'add', path: 'modules.patients.fields.blood_group' }));
  });

  it('asks when both changed a field structurally, and applies the choice', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients')[1]!.required = true;
    });
    const tenant = buildTenant((side) => editField(side, 'patients', 'email', (field) => { field.unique = true; field.required = false; field.validation = { max_length: 50 }; }));
    const tenantRequired = buildTenant((side) => editField(side, 'patients', 'email', (field) => { field.validation = { max_length: 50 }; }));
    // Different properties: no conflict, both changes land.
    const merged = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant: tenantRequired });
    expect(fieldIn(moduleIn(merged.modules, 'patients'), 'email')).toMatchObject({ required: true, validation: { max_length: 50 } });
    expect(merged.conflicts).toEqual([]);
    // Same property, different values.
    const next2 = buildNext((input) => {
      fieldsOf(input, 'patients')[1]!.validation = { max_length: 120 };
    });
    const asked = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next2), tenant });
    expect(asked.unresolved).toEqual(['modules.patients.fields.email.validation']);
    const chosen = mergeTemplateUpgrade({
      base: sideFromTemplate(BASE), next: sideFromTemplate(next2), tenant, choices: { 'modules.patients.fields.email.validation': 'took_template' },
    });
    expect(fieldIn(moduleIn(chosen.modules, 'patients'), 'email')?.validation).toEqual({ max_length: 120 });
    expect(chosen.unresolved).toEqual([]);
  });

  it('merges select options and permission grants as sets, keeping statuses in step with options', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients')[3]!.options = ['Active', 'Inactive', 'Archived'];
      input.enabled_modules[0]!.default_statuses = ['Active', 'Inactive', 'Archived'];
      input.permissions_matrix = { owner: { patients: ['*'], visits: ['*'] }, member: { visits: ['read_own', 'create'] } };
    });
    const tenant = buildTenant((side) => {
      editField(side, 'patients', 'status', (field) => { field.options = ['Active', 'Inactive', 'Deceased']; });
      moduleIn(side.modules, 'patients').default_statuses = ['Active', 'Inactive', 'Deceased'];
      side.permissions.member = { visits: ['read_own', 'update_own'] };
    });
    const result = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant });
    const patients = moduleIn(result.modules, 'patients');
    expect(fieldIn(patients, 'status')?.options).toEqual(['Active', 'Inactive', 'Deceased', 'Archived']);
    expect(patients.default_statuses).toEqual(['Active', 'Inactive', 'Deceased', 'Archived']);
    expect([...(result.permissions.member?.visits ?? [])].sort()).toEqual(['create', 'read_own', 'update_own']);
    expect(result.conflicts).toEqual([]);
  });

  it('updates an untouched workflow, keeps an edited one on conflict, and adds new ones', () => {
    const next = buildNext((input) => {
      const visits = (input.workflow_schemas as Record<string, Array<Record<string, unknown>>>).visits!;
      visits[0]!.actions = [{ type: 'send_email', to: '{{data.patient.email}}', subject: 'Booked!', body: 'See you' }];
      visits.push({ name: 'Thank you', trigger_type: 'status_changed', trigger_config: { to: ['Done'] }, actions: [{ type: 'create_task', title: 'Follow up' }] });
    });
    const untouched = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant: buildTenant() });
    expect(untouched.workflows.map((workflow) => [workflow.definition.name, workflow.id, workflow.source])).toEqual([
      ['Confirm', 'wf0', 'template'],
      ['Thank you', undefined, 'template'],
    ]);
    expect(untouched.workflows[0]?.definition.actions).toEqual([expect.objectContaining({ subject: 'Booked!' })]);

    const edited = buildTenant((side) => {
      side.workflows[0] = { ...side.workflows[0]!, definition: { ...side.workflows[0]!.definition, is_active: false } };
    });
    const kept = mergeTemplateUpgrade({ base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant: edited });
    expect(kept.workflows[0]?.definition.is_active).toBe(false);
    expect(kept.conflicts).toEqual([expect.objectContaining({ path: 'workflows.visits/Confirm', resolution: 'kept_tenant' })]);
  });

  it('drops a field the template renames through a migration even if the tenant relabelled it', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients')[2]!.key = 'balance_due';
      input.migrations = [{ type: 'rename_field', module: 'patients', from: 'balance', to: 'balance_due' }];
    });
    const tenant = buildTenant((side) => editField(side, 'patients', 'balance', (field) => { field.label = 'Owed'; }));
    const result = mergeTemplateUpgrade({
      base: sideFromTemplate(BASE), next: sideFromTemplate(next), tenant, migrations: next.migrations ?? [],
    });
    expect(moduleIn(result.modules, 'patients').fields.map((field) => field.key)).toEqual(['full_name', 'email', 'status', 'balance_due']);
    expect(result.unresolved).toEqual([]);
  });
});

describe('labels in several languages', () => {
  it('merges module, field and option (status) labels language by language', () => {
    const localized = (input: TemplateInput) => {
      fieldsOf(input, 'patients')[3]!.options = [{ value: 'Active', label: { en: 'Active' } }, 'Inactive'];
    };
    const base = buildNext(localized, '1.0.0');
    const next = buildNext((input) => {
      localized(input);
      input.enabled_modules[0]!.label = { en: 'Patients', es: 'Pacientes', fr: 'Patients' };
      fieldsOf(input, 'patients')[3]!.options = [{ value: 'Active', label: { en: 'Active', es: 'Activo' } }, 'Inactive'];
    });
    const tenant = structuredClone(sideFromTemplate(base)) as unknown as { modules: ModuleShape[] } & ConfigSide;
    (tenant.modules[0] as { label: unknown }).label = { en: 'Clients', es: 'Pacientes' };
    editField(tenant, 'patients', 'status', (field) => {
      field.options = [{ value: 'Active', label: { en: 'Active', de: 'Aktiv' } }, 'Inactive'];
    });
    const result = mergeTemplateUpgrade({ base: sideFromTemplate(base), next: sideFromTemplate(next), tenant });
    const patients = moduleIn(result.modules, 'patients');
    expect(patients.label).toEqual({ en: 'Clients', es: 'Pacientes', fr: 'Patients' });
    expect(fieldIn(patients, 'status')?.options).toEqual([{ value: 'Active', label: { en: 'Active', de: 'Aktiv', es: 'Activo' } }, 'Inactive']);
    expect(result.conflicts).toEqual([]);
  });
});

describe('diffTemplates', () => {
  it('lists what a version adds, changes and removes, with its migrations', () => {
    const next = buildNext((input) => {
      fieldsOf(input, 'patients')[2]!.key = 'balance_due';
      fieldsOf(input, 'patients')[0]!.label = 'Name';
      input.migrations = [{ type: 'rename_field', module: 'patients', from: 'balance', to: 'balance_due' }];
    });
    const changes = diffTemplates(BASE, next);
    expect(changes.map((change) => `${change.kind} ${change.path}`)).toEqual([
      'change version',
      'change modules.patients.fields.full_name',
      'remove modules.patients.fields.balance',
      'add modules.patients.fields.balance_due',
      'change migrations.patients',
    ]);
  });
});
