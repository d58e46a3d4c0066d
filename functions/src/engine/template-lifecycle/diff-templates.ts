import type { Template } from '../template/template-schema.js';
import { compareVersions } from '../template/migration-schema.js';
import type { MigrationStep } from '../template/migration-schema.js';
import { mergeTemplateUpgrade, type UpgradeChange } from './merge-upgrade.js';
import { sideFromTemplate } from './template-side.js';
import { stepsForUpgrade } from './apply-migrations.js';

/**
 * What a template version adds, changes and removes relative to another.
 * It is the three-way merge of a tenant that never changed anything, so the
 * console's diff and a tenant's preview describe changes the same way.
 */
export function diffTemplates(base: Template, next: Template): UpgradeChange[] {
  const migrations = stepsForUpgrade({ migrations: next.migrations, templateVersion: next.version, fromVersion: base.version });
  const baseSide = sideFromTemplate(base);
  const { changes } = mergeTemplateUpgrade({ base: baseSide, next: sideFromTemplate(next), tenant: baseSide, migrations });
  const direction = compareVersions(next.version, base.version);
  const meta: UpgradeChange[] = [];
  if (direction !== 0) meta.push({ kind: 'change', path: 'version', summary: `Version ${base.version} → ${next.version}.` });
  if (base.name !== next.name) meta.push({ kind: 'change', path: 'name', summary: `Renamed "${base.name}" → "${next.name}".` });
  return [...meta, ...changes, ...migrations.map(describeStep)];
}

export function describeStep(step: MigrationStep): UpgradeChange {
  const path = `migrations.${step.module}`;
  switch (step.type) {
    case 'rename_field':
      return { kind: 'change', path, summary: `Records of ${step.module}: field "${step.from}" is renamed to "${step.to}".` };
    case 'map_values':
      return {
        kind: 'change',
        path,
        summary: `Records of ${step.module}: values of "${step.field}" change (${Object.entries(step.map).map(([from, to]) => `${from} → ${to}`).join(', ')}).`,
      };
    case 'move_value':
      return { kind: 'change', path, summary: `Records of ${step.module}: values move from "${step.from}" to "${step.to}"${step.mode === 'overwrite' ? ' (replacing)' : ' (where empty)'}.` };
    case 'set_default':
      return { kind: 'change', path, summary: `Records of ${step.module}: empty "${step.field}" is set to ${JSON.stringify(step.value)}.` };
  }
}
