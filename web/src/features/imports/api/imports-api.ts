import { useMutation } from '@tanstack/react-query';
import * as api from '@crm/api/import-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

/** The import callables, checked like `callCrm` does; loaded with the import route only. */
const IMPORT_CALLABLES = {
  crmStartImportUpload: { request: api.ZStartImportUploadRequestSchema, response: api.ZStartImportUploadResponseSchema },
  crmPreviewImport: { request: api.ZPreviewImportRequestSchema, response: api.ZPreviewImportResponseSchema },
  crmStartImport: { request: api.ZStartImportRequestSchema, response: api.ZJobStartedResponseSchema },
  crmRevertImport: { request: api.ZImportJobRequestSchema, response: api.ZJobStartedResponseSchema },
  crmGetImportErrorFile: { request: api.ZImportJobRequestSchema, response: api.ZImportErrorFileResponseSchema },
} as const;

export type ImportOptions = api.ImportOptions;
export type ColumnMapping = api.ColumnMapping;
export type PreviewResponse = api.TPreviewImportResponse;
export type ImportField = api.TImportField;
export const MATCH_BY_NUMBER = api.MATCH_BY_NUMBER;

const callImports = createCaller(IMPORT_CALLABLES);

export class UploadFailedError extends Error {
  override readonly name = 'UploadFailedError';
  constructor(readonly status: number) {
    super(`upload failed with HTTP ${status}`);
  }
}

/** Asks for an upload slot, PUTs the file there (straight to the file store, not through a callable), then reads its first rows. */
export function useUploadFile(tenantId: string, module: string, language: 'en' | 'es') {
  const { functions } = useBackend();
  return useMutation({
    mutationFn: async (file: File) => {
      const slot = await callImports(functions, 'crmStartImportUpload', { tenantId, module, fileName: file.name, size: file.size });
      const response = await fetch(slot.url, { method: slot.method, headers: slot.headers, body: file });
      if (!response.ok) throw new UploadFailedError(response.status);
      const preview = await callImports(functions, 'crmPreviewImport', { tenantId, uploadId: slot.uploadId, language });
      return { uploadId: slot.uploadId, fileName: file.name, preview };
    },
  });
}

export function usePreviewImport(tenantId: string, language: 'en' | 'es') {
  const { functions } = useBackend();
  return useMutation({
    mutationFn: (input: { uploadId: string; options: ImportOptions }) =>
      callImports(functions, 'crmPreviewImport', { tenantId, uploadId: input.uploadId, options: input.options, rows: 20, language }),
  });
}

export function useStartImport(tenantId: string, language: 'en' | 'es') {
  const { functions } = useBackend();
  return useMutation({
    mutationFn: (input: { uploadId: string; options: ImportOptions }) => callImports(functions, 'crmStartImport', { tenantId, uploadId: input.uploadId, options: input.options, language }),
  });
}

export function useRevertImport(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({ mutationFn: (jobId: string) => callImports(functions, 'crmRevertImport', { tenantId, jobId }) });
}

export function useErrorFile(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({ mutationFn: (jobId: string) => callImports(functions, 'crmGetImportErrorFile', { tenantId, jobId }) });
}
