import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '@crm/api/template-schemas.js';
import { createCaller, type CallableRequest } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';
import { applyConfig } from '../../../lib/tenant/bootstrap-query';

/** Tenant upgrade callables (owners and admins of the tenant, super admins), checked like `callCrm`. */
const UPGRADE_CALLABLES = {
  crmUpgradeStatus: { request: api.ZUpgradeStatusRequestSchema, response: api.ZUpgradeStatusResponseSchema },
  crmPreviewUpgrade: { request: api.ZPreviewUpgradeRequestSchema, response: api.ZPreviewUpgradeResponseSchema },
  crmApplyUpgrade: { request: api.ZApplyUpgradeRequestSchema, response: api.ZApplyUpgradeResponseSchema },
  crmMigrationProgress: { request: api.ZMigrationProgressRequestSchema, response: api.ZMigrationProgressResponseSchema },
} as const;

type Request<N extends keyof typeof UPGRADE_CALLABLES> = CallableRequest<typeof UPGRADE_CALLABLES, N>;

const callUpgrade = createCaller(UPGRADE_CALLABLES);

export type UpgradeStatus = api.TUpgradeStatusResponse;
export type UpgradePreview = api.TPreviewUpgradeResponse;
export type UpgradeConflict = api.TUpgradeConflict;
export type MigrationJob = api.TMigrationJobView;
export type Choices = Record<string, 'kept_tenant' | 'took_template'>;

const root = (tenantId: string) => ['crm', tenantId, 'upgrade'] as const;

export function useUpgradeStatus(tenantId: string, enabled = true) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...root(tenantId), 'status'],
    queryFn: () => callUpgrade(functions, 'crmUpgradeStatus', { tenantId }),
    enabled,
    staleTime: 60_000,
    // While records are migrating the banner shows the percentage: keep it moving.
    refetchInterval: (query) => (query.state.data?.migration?.status === 'running' ? 3_000 : false),
  });
}

export function useUpgradePreview(tenantId: string, targetVersion: string | null, choices: Choices) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...root(tenantId), 'preview', targetVersion, choices],
    queryFn: () => callUpgrade(functions, 'crmPreviewUpgrade', { tenantId, ...(targetVersion ? { targetVersion } : {}), choices }),
    enabled: targetVersion !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useApplyUpgrade(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: Omit<Request<'crmApplyUpgrade'>, 'tenantId'>) => callUpgrade(functions, 'crmApplyUpgrade', { tenantId, ...input }),
    onSuccess: async (result) => {
      client.setQueryData([...root(tenantId), 'progress', result.migration?.jobId ?? null], { migration: result.migration });
      await Promise.all([applyConfig(client, tenantId, result.config), client.invalidateQueries({ queryKey: [...root(tenantId), 'status'] })]);
    },
  });
}

/** Polls a running migration every second; stops once it is done. */
export function useMigrationProgress(tenantId: string, jobId: string | null) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...root(tenantId), 'progress', jobId],
    queryFn: () => callUpgrade(functions, 'crmMigrationProgress', { tenantId, ...(jobId ? { jobId } : {}) }),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data?.migration?.status === 'done' ? false : 1_000),
    staleTime: 0,
  });
}
