import type { Services } from '../services/create-services.js';
import type { ImportService } from '../services/imports/import-service.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './import-schemas.js';

const services = new WeakMap<Services, ImportService>();

/** The import service is loaded on first use: instances that never import do not load it. */
async function importsOf(all: Services): Promise<ImportService> {
  const existing = services.get(all);
  if (existing) return existing;
  const { ImportService } = await import('../services/imports/import-service.js');
  const created = new ImportService(all);
  services.set(all, created);
  return created;
}

/** Imports (services/imports): upload slot, preview, start, revert, error file. Progress comes from crmGetJob. */
export const IMPORT_CALLABLES = {
  crmStartImportUpload: defineTenant({
    request: schemas.ZStartImportUploadRequestSchema,
    response: schemas.ZStartImportUploadResponseSchema,
    handle: async ({ caller, services: all }, { tenantId: _tenantId, ...input }) => (await importsOf(all)).startUpload(caller, input),
  }),
  crmPreviewImport: defineTenant({
    request: schemas.ZPreviewImportRequestSchema,
    response: schemas.ZPreviewImportResponseSchema,
    handle: async ({ caller, services: all }, { tenantId: _tenantId, ...input }) => (await importsOf(all)).preview(caller, input),
  }),
  crmStartImport: defineTenant({
    request: schemas.ZStartImportRequestSchema,
    response: schemas.ZJobStartedResponseSchema,
    handle: async ({ caller, services: all }, { tenantId: _tenantId, ...input }) => (await importsOf(all)).start(caller, input),
  }),
  crmRevertImport: defineTenant({
    request: schemas.ZImportJobRequestSchema,
    response: schemas.ZJobStartedResponseSchema,
    handle: async ({ caller, services: all }, input) => (await importsOf(all)).revert(caller, { jobId: input.jobId }),
  }),
  crmGetImportErrorFile: defineTenant({
    request: schemas.ZImportJobRequestSchema,
    response: schemas.ZImportErrorFileResponseSchema,
    handle: async ({ caller, services: all }, input) => (await importsOf(all)).errorFileUrl(caller, { jobId: input.jobId }),
  }),
} as const;
