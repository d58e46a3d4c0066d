import type { DocumentStore } from '../../store/document-store.js';
import { crmPaths } from '../paths.js';
import type { ExportView } from './export-params.js';

/**
 * Every export leaves a document at `crm_tenants/{t}/exports/{jobId}`: who
 * exported which module, with which filter, how many rows. Written when the
 * export starts (so an export that fails or is cancelled is on record too)
 * and completed when its file is written. The audit log reads these.
 */
export const exportLogPaths = {
  collection: (tenantId: string) => `${crmPaths.tenant(tenantId)}/exports`,
  entry: (tenantId: string, jobId: string) => `${crmPaths.tenant(tenantId)}/exports/${jobId}`,
};

export interface ExportLogStart {
  readonly jobId: string;
  readonly by: string;
  readonly module: string;
  readonly view: ExportView;
  readonly fields: readonly string[] | null;
  readonly format: 'formatted' | 'raw';
  readonly fileType: 'csv' | 'xlsx';
  readonly at: Date;
}

export async function recordExportStarted(store: DocumentStore, tenantId: string, entry: ExportLogStart): Promise<void> {
  await store.set(exportLogPaths.entry(tenantId, entry.jobId), {
    jobId: entry.jobId,
    by: entry.by,
    module: entry.module,
    // Stored as JSON text: filter values are user data of any shape, not fields to index.
    view: JSON.stringify(entry.view),
    fields: entry.fields ? [...entry.fields] : null,
    format: entry.format,
    fileType: entry.fileType,
    startedAt: entry.at,
    finishedAt: null,
    rows: null,
    size: null,
  });
}

export async function recordExportFinished(store: DocumentStore, tenantId: string, jobId: string, outcome: { rows: number; size: number }): Promise<void> {
  await store.set(exportLogPaths.entry(tenantId, jobId), { finishedAt: new Date(), rows: outcome.rows, size: outcome.size }, { merge: true });
}
