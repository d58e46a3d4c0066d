import { useMutation, useQuery } from '@tanstack/react-query';
import { ZListMembersRequestSchema, ZListMembersResponseSchema } from '@crm/api/timeline-schemas.js';
import * as bulk from '@crm/api/bulk-schemas.js';
import * as exportsApi from '@crm/api/export-schemas.js';
import { createCaller, type CallableRequest } from '../../../lib/api/call-crm';
import { resolveFileUrl, useBackend } from '../../../lib/firebase/backend-context';
import type { ListParams } from './records-api';

/** The export and bulk-action callables, loaded with the records routes only. */
const EXPORT_BULK_CALLABLES = {
  crmStartExport: { request: exportsApi.ZStartExportRequestSchema, response: exportsApi.ZStartJobResponseSchema },
  crmGetExportDownload: { request: exportsApi.ZGetExportDownloadRequestSchema, response: exportsApi.ZGetExportDownloadResponseSchema },
  crmStartBulkAction: { request: bulk.ZStartBulkActionRequestSchema, response: exportsApi.ZStartJobResponseSchema },
} as const;
const callExportBulk = createCaller(EXPORT_BULK_CALLABLES);

export type StartExportRequest = CallableRequest<typeof EXPORT_BULK_CALLABLES, 'crmStartExport'>;
export type StartBulkRequest = CallableRequest<typeof EXPORT_BULK_CALLABLES, 'crmStartBulkAction'>;

/** The list's current view as the export and "all matching" bulk actions take it: filters, search, sort, trash. */
export function viewOfList(params: ListParams): exportsApi.TExportView {
  return {
    ...(params.filters.length > 0 ? { filters: [...params.filters] } : {}),
    ...(params.search.trim() !== '' ? { search: params.search.trim() } : {}),
    sort: params.sort,
    direction: params.direction,
    ...(params.deleted ? { deleted: true } : {}),
  };
}

export function useStartExport() {
  const { functions } = useBackend();
  return useMutation({ mutationFn: async (request: StartExportRequest) => (await callExportBulk(functions, 'crmStartExport', request)).jobId });
}

export function useStartBulkAction() {
  const { functions } = useBackend();
  return useMutation({ mutationFn: async (request: StartBulkRequest) => (await callExportBulk(functions, 'crmStartBulkAction', request)).jobId });
}

/** Asks for a fresh signed link (links expire) and lets the browser download the file. */
export function useDownloadExport() {
  const backend = useBackend();
  const { functions } = backend;
  return useMutation({
    mutationFn: async ({ tenantId, jobId }: { tenantId: string; jobId: string }) => {
      const { url, fileName } = await callExportBulk(functions, 'crmGetExportDownload', { tenantId, jobId });
      const anchor = document.createElement('a');
      anchor.href = resolveFileUrl(backend, url);
      anchor.download = fileName;
      anchor.rel = 'noopener';
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      return { url, fileName };
    },
  });
}

const callMembers = createCaller({ crmListTenantMembers: { request: ZListMembersRequestSchema, response: ZListMembersResponseSchema } });

/** The tenant's members by name, for "change owner" (the server still checks the new owner is a member). */
export function useTenantMembers(tenantId: string, enabled: boolean) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: ['crm', tenantId, 'members'],
    enabled,
    queryFn: async () => (await callMembers(functions, 'crmListTenantMembers', { tenantId })).members,
    staleTime: 60_000,
  });
}
