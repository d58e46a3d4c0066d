import { recordAudit } from '../audit/record-audit.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { resolveModule } from '../config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import type { JobDoc } from '../jobs/job-model.js';
import { listRecords } from '../records/list-records.js';
import { moduleNotFound } from '../records/records-service.js';
import { recordExportStarted } from './export-log.js';
import type { ExportParams, ExportView } from './export-params.js';
import { requireExportRight } from './export-rights.js';
import { jobActorOf } from './job-caller.js';

export interface StartExportInput {
  readonly module: string;
  readonly view?: ExportView | undefined;
  readonly fields?: readonly string[] | undefined;
  readonly format: 'formatted' | 'raw';
  readonly fileType: 'csv' | 'xlsx';
  readonly language?: 'en' | 'es' | undefined;
}

/**
 * Starts an export job after checking, here and not only in the job, that
 * the caller may export this module and that the view is one the list
 * accepts (a bad filter or sort is the caller's mistake, answered now, not a
 * failed job a minute later). Small or large, an export is one job: one code
 * path, progress and a download link either way.
 */
export async function startExport(services: Services, caller: Caller, input: StartExportInput): Promise<JobDoc> {
  const config = await services.configs.require(caller.tenantId);
  const module = resolveModule(config, input.module);
  if (!module) throw moduleNotFound(input.module);
  requireExportRight(caller, config, module);
  const view = input.view ?? {};
  // Plans the list without reading a record: the same validation crmListRecords makes.
  await listRecords(services, caller, { module: module.slug, ...view, explain: true });
  const unknown = (input.fields ?? []).filter((key) => !module.fields.some((field) => field.key === key));
  if (unknown.length > 0) {
    throw new CrmError(CRM_ERROR_CODES.invalidInput, `Not fields of this module: ${unknown.join(', ')}.`, [
      { path: 'fields', message: `not fields of this module: ${unknown.join(', ')}` },
    ]);
  }
  const now = new Date();
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const params: ExportParams = {
    module: module.slug,
    view,
    ...(input.fields ? { fields: [...input.fields] } : {}),
    format: input.format,
    fileType: input.fileType,
    language: input.language ?? config.defaultLanguage ?? 'en',
    actor: jobActorOf(caller),
    fileName: `${module.slug}-${stamp}.${input.fileType}`,
  };
  const job = await services.jobs.start({
    tenantId: caller.tenantId,
    kind: 'export',
    module: module.slug,
    createdBy: caller.uid,
    params: params as unknown as Record<string, unknown>,
    onCreate: (tx) =>
      recordAudit(tx, {
        kind: 'export',
        action: 'export.started',
        caller,
        target: { module: module.slug, label: params.fileName },
        before: null,
        after: { view, fields: input.fields ?? null, format: input.format, fileType: input.fileType },
        at: now,
      }),
  });
  await recordExportStarted(services.store, caller.tenantId, {
    jobId: job.id,
    by: caller.uid,
    module: module.slug,
    view,
    fields: input.fields ?? null,
    format: input.format,
    fileType: input.fileType,
    at: now,
  });
  return job;
}

/**
 * A download link for a finished export, for the user who made it only: the
 * file holds what their read rules let them see, which may be more than a
 * colleague's. The link is signed and short-lived.
 */
export async function exportDownloadUrl(services: Services, caller: Caller, jobId: string): Promise<{ url: string; fileName: string; rows: number }> {
  const job = await services.jobs.get(caller.tenantId, jobId);
  const result = job?.result as { file?: unknown; fileName?: unknown; rows?: unknown } | null | undefined;
  if (!job || job.kind !== 'export' || job.createdBy !== caller.uid) {
    throw new CrmError(CRM_ERROR_CODES.notFound, 'This export does not exist or is not yours.', [], { messageKey: 'exportBulk.errors.notFound' });
  }
  if (job.status !== 'done' || typeof result?.file !== 'string' || typeof result.fileName !== 'string') {
    throw new CrmError(CRM_ERROR_CODES.precondition, 'This export has no file yet.', [], { messageKey: 'exportBulk.errors.notReady' });
  }
  const url = await services.files.downloadUrl(result.file, { fileName: result.fileName });
  return { url, fileName: result.fileName, rows: typeof result.rows === 'number' ? result.rows : 0 };
}
