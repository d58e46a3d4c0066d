import { exportDownloadUrl, startExport } from '../services/exports/start-export.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './export-schemas.js';

/** Exports of a module or list view to CSV / XLSX, run as jobs (services/exports). */
export const EXPORT_CALLABLES = {
  crmStartExport: defineTenant({
    request: schemas.ZStartExportRequestSchema,
    response: schemas.ZStartJobResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => ({ jobId: (await startExport(services, caller, input)).id }),
  }),
  crmGetExportDownload: defineTenant({
    request: schemas.ZGetExportDownloadRequestSchema,
    response: schemas.ZGetExportDownloadResponseSchema,
    handle: async ({ caller, services }, input) => exportDownloadUrl(services, caller, input.jobId),
  }),
} as const;
