import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '@crm/api/access-schemas.js';
import { createCaller, type CallableRequest } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';
import { bootstrapKey, tenantKey } from '../../../lib/tenant/bootstrap-query';

const ACCESS_CALLABLES = {
  crmGetAccessSettings: { request: api.ZGetAccessSettingsRequestSchema, response: api.ZAccessSettingsResponseSchema },
  crmSaveAccessSettings: { request: api.ZSaveAccessSettingsRequestSchema, response: api.ZAccessSettingsResponseSchema },
  crmListAuditLog: { request: api.ZListAuditLogRequestSchema, response: api.ZListAuditLogResponseSchema },
  crmExportAuditLog: { request: api.ZExportAuditLogRequestSchema, response: api.ZExportAuditLogResponseSchema },
} as const;

export const callAccess = createCaller(ACCESS_CALLABLES);

const accessKey = (tenantId: string) => [...tenantKey(tenantId), 'access'] as const;

export function useAccessSettings(tenantId: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: accessKey(tenantId),
    queryFn: async () => (await callAccess(functions, 'crmGetAccessSettings', { tenantId })).settings,
  });
}

export function useSaveAccessSettings(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: Omit<CallableRequest<typeof ACCESS_CALLABLES, 'crmSaveAccessSettings'>, 'tenantId'>) =>
      callAccess(functions, 'crmSaveAccessSettings', { ...request, tenantId }),
    onSuccess: async ({ settings }) => {
      client.setQueryData(accessKey(tenantId), settings);
      // The admin's own permissions and visible fields may have changed too.
      await client.invalidateQueries({ queryKey: bootstrapKey(tenantId) });
    },
  });
}

export type AuditFilters = Omit<api.TListAuditLogRequest, 'tenantId' | 'cursor' | 'pageSize'>;

export function useAuditLog(tenantId: string, filters: AuditFilters) {
  const { functions } = useBackend();
  return useInfiniteQuery({
    queryKey: [...accessKey(tenantId), 'audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => callAccess(functions, 'crmListAuditLog', { tenantId, ...filters, pageSize: 50, ...(pageParam ? { cursor: pageParam } : {}) }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    staleTime: 0,
  });
}

export function useExportAuditLog(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({ mutationFn: (filters: AuditFilters) => callAccess(functions, 'crmExportAuditLog', { tenantId, ...filters }) });
}
