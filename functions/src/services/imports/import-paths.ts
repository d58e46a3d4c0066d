import { crmPaths } from '../paths.js';

/**
 * Where an import keeps its own bookkeeping: under its job document, so it
 * lives and goes with the job, inside the tenant.
 */
function jobPath(tenantId: string, jobId: string): string {
  return crmPaths.job(tenantId, jobId);
}

/** Row indexes as fixed-width ids: document-name order is file order. */
function rowId(index: number): string {
  return `r${String(index).padStart(8, '0')}`;
}

export const importPaths = {
  job: jobPath,
  /** One failed row: its cells and errors (the error file is written from these at the end). */
  errors: (tenantId: string, jobId: string) => `${jobPath(tenantId, jobId)}/import_errors`,
  errorRow: (tenantId: string, jobId: string, index: number) => `${jobPath(tenantId, jobId)}/import_errors/${rowId(index)}`,
  /** Ids created by one committed chunk (keyed by its first row): what revert soft-deletes. */
  createdLogs: (tenantId: string, jobId: string) => `${jobPath(tenantId, jobId)}/import_created`,
  createdLog: (tenantId: string, jobId: string, firstIndex: number) => `${jobPath(tenantId, jobId)}/import_created/${rowId(firstIndex)}`,
  /** One updated record's values before the import, and the version the import wrote: what revert restores. */
  undoEntries: (tenantId: string, jobId: string) => `${jobPath(tenantId, jobId)}/import_undo`,
  undoEntry: (tenantId: string, jobId: string, recordId: string) => `${jobPath(tenantId, jobId)}/import_undo/${recordId}`,
  /** An upload waiting to be previewed and imported (module, file name, who). */
  upload: (tenantId: string, uploadId: string) => `${crmPaths.tenant(tenantId)}/import_uploads/${uploadId}`,
  /** The column → field mapping a user last used for a module. */
  mapping: (tenantId: string, module: string, uid: string) => `${crmPaths.tenant(tenantId)}/import_mappings/${module}__${uid.replace(/[^A-Za-z0-9_-]/g, '_')}`,
} as const;
