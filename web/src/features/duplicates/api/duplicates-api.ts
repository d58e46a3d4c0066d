import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '@crm/api';
import * as dm from '@crm/api/rollups-merge-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

/** Duplicate rules, checks and merge, with the server's own schemas. */
const DUPLICATE_CALLABLES = {
  crmGetDuplicateRules: { request: dm.ZGetDuplicateRulesRequestSchema, response: dm.ZDuplicateRulesResponseSchema },
  crmSaveDuplicateRules: { request: dm.ZSaveDuplicateRulesRequestSchema, response: dm.ZDuplicateRulesResponseSchema },
  crmFindDuplicates: { request: dm.ZFindDuplicatesRequestSchema, response: dm.ZFindDuplicatesResponseSchema },
  crmMergeRecords: { request: dm.ZMergeRecordsRequestSchema, response: dm.ZMergeRecordsResponseSchema },
  crmGetRecord: { request: api.ZGetRecordRequestSchema, response: api.ZRecordResponseSchema },
  crmListRecords: { request: api.ZListRecordsRequestSchema, response: api.ZListRecordsResponseSchema },
} as const;

const call = createCaller(DUPLICATE_CALLABLES);

export type TDuplicateMatch = dm.TDuplicateMatch;
export type TDuplicateRulesResponse = dm.TDuplicateRulesResponse;

const rulesKey = (tenantId: string, module: string) => ['crm', tenantId, 'duplicate-rules', module] as const;

export function useDuplicateRules(tenantId: string, module: string) {
  const { functions } = useBackend();
  return useQuery({ queryKey: rulesKey(tenantId, module), queryFn: () => call(functions, 'crmGetDuplicateRules', { tenantId, module }), enabled: module !== '' });
}

export function useSaveDuplicateRules(tenantId: string, module: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rules: unknown[]) => call(functions, 'crmSaveDuplicateRules', { tenantId, module, rules }),
    onSuccess: (saved) => client.setQueryData(rulesKey(tenantId, module), saved),
  });
}

/** Asked once per save attempt, never cached: the answer must reflect the records as they are now. */
export function useFindDuplicates(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({
    mutationFn: (input: { module: string; data: Record<string, unknown>; recordId?: string }) =>
      call(functions, 'crmFindDuplicates', { tenantId, ...input }),
  });
}

/** The records being merged, each read as the caller may see it. */
export function useMergeRecords(tenantId: string, ids: readonly string[]) {
  const { functions } = useBackend();
  return useQueries({
    queries: ids.map((recordId) => ({
      queryKey: ['crm', tenantId, 'records', 'one', recordId] as const,
      queryFn: async () => (await call(functions, 'crmGetRecord', { tenantId, recordId })).record,
    })),
  });
}

/** Records of the module matching `search`, to add to a merge. */
export function useMergeSearch(tenantId: string, module: string, search: string, enabled: boolean) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: ['crm', tenantId, 'records', 'merge-search', module, search] as const,
    enabled,
    queryFn: async () =>
      (await call(functions, 'crmListRecords', { tenantId, module, ...(search.trim() ? { search: search.trim() } : {}), pageSize: 10 })).records,
  });
}

/**
 * After a merge: the records read for the merge screen share their cache
 * entries with the record page, and the winner, the losers and every list
 * changed on the server; without this the winner would open with its
 * pre-merge values.
 */
export function useForgetMergedRecords(tenantId: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ['crm', tenantId, 'records'] });
}

export function useStartMerge(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({
    mutationFn: (input: { module: string; winnerId: string; recordIds: string[]; fields: Record<string, string> }) =>
      call(functions, 'crmMergeRecords', { tenantId, ...input }),
  });
}
