/**
 * The end-to-end part of `npm run smoke`: one callable flow on a throwaway
 * tenant, through the same `invokeCallable` the deployed functions run —
 * select a template, create records, list, render the default dashboard with
 * its `sum` widget, run a workflow — then delete everything it created.
 *
 * It touches nobody's data: the tenant id is fresh, the template's own
 * workflows are switched off before any record exists (no real e-mail), and
 * the smoke's workflow only creates a task. Templates are published (as a
 * deploy does) if missing; they are shared and stay.
 */
import { invokeCallable, type CallableName } from '../../src/api/crm-api.js';
import { resolveModule, type TenantConfig } from '../../src/services/config/tenant-config.js';
import type { Services } from '../../src/services/create-services.js';
import { CRM_APP_ID, membershipPath, OS_COLLECTIONS } from '../../src/services/identity/os-firestore-identity.js';
import { onRecordWritten } from '../../src/services/records/on-record-written.js';
import { DemoRandom } from '../../src/runtime/demo/demo-random.js';
import { generateRecordData, orderModulesForSeeding, type CreatedRecord } from '../../src/runtime/demo/generate-record-data.js';
import type { TGetDashboardDataResponse, TListDashboardsResponse } from '../../src/api/dashboard-schemas.js';
import type { TListTasksResponse, TListWorkflowRunsResponse, TListWorkflowsResponse, TWorkflowResponse } from '../../src/api/workflow-schemas.js';
import type { TListRecordsResponse, TRecordResponse } from '../../src/api/schemas.js';

export const SMOKE_TEMPLATE = 'real-estate';
/** The Real Estate default dashboard's `sum` widget: open deal value. */
const SUM_WIDGET = 'open-deal-value';
const DEAL_AMOUNT = 250_000;

export interface SmokeStep {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
}

export class SmokeFailure extends Error {
  override readonly name = 'SmokeFailure';
}

/** Runs the flow; throws SmokeFailure at the first step whose result is wrong. */
export async function runSmokeFlow({
  services,
  tenantId,
  uid,
  report = () => undefined,
}: {
  services: Services;
  tenantId: string;
  uid: string;
  report?: (step: SmokeStep) => void;
}): Promise<SmokeStep[]> {
  const steps: SmokeStep[] = [];
  const auth = { uid, email: `${uid}@smoke.invalid`, token: {} };
  const call = async <T>(name: CallableName, data: Record<string, unknown>): Promise<T> =>
    (await invokeCallable(services, name, { data: { tenantId, ...data }, auth })) as T;
  const check = (step: string, ok: boolean, detail: string): void => {
    const entry = { step, ok, detail };
    steps.push(entry);
    report(entry);
    if (!ok) throw new SmokeFailure(`${step}: ${detail}`);
  };

  const { store } = services;
  await store.set(`${OS_COLLECTIONS.tenants}/${tenantId}`, { name: `Smoke ${tenantId}`, status: 'active' });
  await store.set(`${OS_COLLECTIONS.tenantApps}/${tenantId}_${CRM_APP_ID}`, { enabled: true });
  await store.set(membershipPath(tenantId, uid), { tenant_id: tenantId, user_id: uid, role: 'owner', status: 'active' });

  await call('crmSelectTemplate', { templateSlug: SMOKE_TEMPLATE });
  const config = await services.configs.require(tenantId);
  check('select template', config.template?.slug === SMOKE_TEMPLATE, `${SMOKE_TEMPLATE}@${config.template?.version ?? '?'}, ${config.modules.length} modules`);

  // No template workflow may mail anyone: switch them all off before the first record.
  const seeded = (await call<TListWorkflowsResponse>('crmListWorkflows', {})).workflows;
  for (const workflow of seeded) await call('crmSetWorkflowActive', { workflowId: workflow.id, active: false });
  const smokeWorkflow = (
    await call<TWorkflowResponse>('crmSaveWorkflow', {
      module: 'deals',
      definition: { name: 'Smoke: task on new deal', trigger_type: 'record_created', actions: [{ type: 'create_task', title: 'Smoke follow-up {{record.number}}' }] },
    })
  ).workflow;
  check('workflows', true, `${seeded.length} template workflows switched off, smoke workflow ${smokeWorkflow.id} saved`);

  const deal = await createRecords(call, config);
  check('create', deal.data.offer_amount === DEAL_AMOUNT, `deal ${deal.number} with offer_amount ${String(deal.data.offer_amount)}`);

  const listed = await call<TListRecordsResponse>('crmListRecords', { module: 'deals' });
  check('list', listed.records.some((record) => record.id === deal.id), `${listed.records.length} deal(s) listed`);

  const dashboards = await call<TListDashboardsResponse>('crmListDashboards', {});
  const dashboardId = dashboards.defaultDashboardId;
  if (!dashboardId) throw new SmokeFailure('dashboard: the template made no default dashboard');
  const data = await call<TGetDashboardDataResponse>('crmGetDashboardData', { dashboardId });
  const failed = data.widgets.filter((widget) => widget.status === 'error');
  const sum = data.widgets.find((widget) => widget.id === SUM_WIDGET);
  const sumValue = sum && sum.status === 'ok' && sum.type === 'metric_card' ? sum.value : null;
  check(
    'dashboard',
    failed.length === 0 && sumValue === DEAL_AMOUNT,
    `${data.widgets.length} widgets, ${failed.length} failed${failed.length ? ` (${failed.map((w) => `${w.id}: ${'message' in w ? w.message : ''}`).join('; ')})` : ''}; sum widget ${SUM_WIDGET} = ${String(sumValue)}`,
  );

  // The record trigger's handler, as the deployed trigger calls it (a deployed trigger runs it too; runs are idempotent per event).
  const path = `crm_tenants/${tenantId}/records/${deal.id}`;
  const stored = await store.get(path);
  if (!stored) throw new SmokeFailure('workflow: the deal is gone');
  await onRecordWritten(services, { eventId: `smoke-${deal.id}`, kind: 'created', path, before: null, after: stored.data, time: new Date() });
  const runs = (await call<TListWorkflowRunsResponse>('crmListWorkflowRuns', { workflowId: smokeWorkflow.id, recordId: deal.id })).runs;
  const tasks = (await call<TListTasksResponse>('crmListTasks', { recordId: deal.id })).tasks;
  check(
    'workflow run',
    runs.some((run) => run.status === 'success') && tasks.some((task) => task.title === `Smoke follow-up ${deal.number}`),
    `${runs.length} run(s): ${runs.map((run) => run.status).join(', ')}; ${tasks.length} task(s)`,
  );
  return steps;
}

/** One record in each module a deal points at, then the deal itself (open, with a known amount). */
async function createRecords(call: <T>(name: CallableName, data: Record<string, unknown>) => Promise<T>, config: TenantConfig) {
  const random = new DemoRandom(20_260_101);
  const created = new Map<string, CreatedRecord[]>();
  const used = new Map<string, Set<string>>();
  const modules = orderModulesForSeeding(
    ['properties', 'leads', 'agents', 'deals'].flatMap((slug) => {
      const resolved = resolveModule(config, slug);
      return resolved ? [{ slug, fields: resolved.activeFields, displayField: resolved.displayField }] : [];
    }),
  );
  let deal: TRecordResponse['record'] | null = null;
  for (const module of modules) {
    const data = generateRecordData({ random, now: new Date(), created, used }, module, 0);
    if (module.slug === 'deals') Object.assign(data, { stage: 'Negotiation', offer_amount: DEAL_AMOUNT });
    const { record } = await call<TRecordResponse>('crmCreateRecord', { module: module.slug, data });
    created.set(module.slug, [{ id: record.id, display: record.display, data: record.data }]);
    if (module.slug === 'deals') deal = record;
  }
  if (!deal) throw new SmokeFailure('create: the template has no deals module');
  return deal;
}
