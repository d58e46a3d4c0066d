import { collectTemplateIssues } from '../../engine/template/check-template.js';
import type { WorkflowDefinition } from '../../engine/template/workflow-schema.js';
import { checkPlaceholderRoots } from '../../engine/workflows/interpolate.js';
import type { FieldIssue } from '../errors.js';
import type { TenantConfig } from '../config/tenant-config.js';
import { templatesOf } from './run-context.js';
import type { WebhookSender } from './webhook-sender.js';

/**
 * Validates a workflow against the tenant's modules and fields with the very
 * cross-checks a template's workflows get: the tenant's effective schema is
 * presented to the template checker as a one-workflow template, and only the
 * issues about that workflow are kept. Then what templates cannot know:
 * active fields, unique targets, placeholder roots, and where webhooks point.
 */
export async function validateWorkflow({
  config,
  module,
  definition,
  sender,
}: {
  config: TenantConfig;
  module: string;
  definition: WorkflowDefinition;
  sender: WebhookSender;
}): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const target = config.modules.find((candidate) => candidate.slug === module);
  if (!target) return [{ path: 'module', message: `there is no module "${module}" in this CRM` }];
  const enabled = config.modules.map(({ fields: _fields, source: _source, index_slots: _slots, ...definitionOnly }) => definitionOnly);
  const fieldSchemas = Object.fromEntries(config.modules.map((candidate) => [candidate.slug, candidate.fields]));
  const templateIssues = collectTemplateIssues({
    enabled_modules: enabled,
    field_schemas: fieldSchemas,
    workflow_schemas: { [module]: [definition] },
  });
  for (const issue of templateIssues) {
    const [root, slug, index, ...rest] = issue.path;
    if (root !== 'workflow_schemas' || slug !== module || index !== 0) continue;
    issues.push({ path: ['definition', ...rest].map(String).join('.'), message: issue.message });
  }
  definition.actions.forEach((action, index) => {
    const path = `definition.actions.${index}`;
    if (action.type === 'update_field') {
      const field = target.fields.find((candidate) => candidate.key === action.field);
      if (field && !field.active) issues.push({ path: `${path}.field`, message: `"${action.field}" is no longer in use` });
      if (field?.unique) issues.push({ path: `${path}.field`, message: `"${action.field}" is unique; a workflow would write the same value on every record` });
      if (field?.type === 'relationship') issues.push({ path: `${path}.field`, message: 'relationship fields cannot be set by a workflow' });
    }
  });
  for (const text of templatesOf(definition)) {
    for (const problem of checkPlaceholderRoots(text)) issues.push({ path: 'definition.actions', message: problem });
  }
  for (const [index, action] of definition.actions.entries()) {
    if (action.type !== 'webhook') continue;
    const problem = await sender.checkUrl(action.url);
    if (problem) issues.push({ path: `definition.actions.${index}.url`, message: `refused: ${problem}` });
  }
  return issues;
}
