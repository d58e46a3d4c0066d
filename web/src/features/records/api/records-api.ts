import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TListRecordsRequest, TRecordFilter, TRecordView } from '@crm/api';
import { callCrm } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

export type ServerSort = NonNullable<TListRecordsRequest['sort']>;

export interface ListParams {
  readonly module: string;
  readonly filters: readonly TRecordFilter[];
  readonly search: string;
  readonly sort: ServerSort;
  readonly direction: 'asc' | 'desc';
  readonly pageSize?: number;
  readonly deleted?: boolean;
}

export const recordsKey = (tenantId: string) => ['crm', tenantId, 'records'] as const;
const listKey = (tenantId: string, params: ListParams) => [...recordsKey(tenantId), 'list', params] as const;
export const recordKey = (tenantId: string, recordId: string) => [...recordsKey(tenantId), 'one', recordId] as const;

function listRequest(tenantId: string, params: ListParams) {
  return {
    tenantId,
    module: params.module,
    ...(params.filters.length > 0 ? { filters: [...params.filters] } : {}),
    ...(params.search.trim() !== '' ? { search: params.search.trim() } : {}),
    sort: params.sort,
    direction: params.direction,
    pageSize: params.pageSize ?? 100,
    ...(params.deleted ? { deleted: true } : {}),
  };
}

/** Where the next page starts, and how many documents the list has scanned so far (the server keeps counting). */
interface PageParam {
  readonly cursor: string;
  readonly scannedBefore: number;
}

/** Cursor-paginated list: each page asks the server for the next cursor's worth. */
export function useRecordList(tenantId: string, params: ListParams, enabled = true) {
  const { functions } = useBackend();
  return useInfiniteQuery({
    queryKey: listKey(tenantId, params),
    enabled,
    initialPageParam: undefined as PageParam | undefined,
    queryFn: ({ pageParam }) =>
      callCrm(functions, 'crmListRecords', { ...listRequest(tenantId, params), ...(pageParam ? { cursor: pageParam.cursor, scannedBefore: pageParam.scannedBefore } : {}) }),
    getNextPageParam: (page): PageParam | undefined => (page.nextCursor ? { cursor: page.nextCursor, scannedBefore: page.plan.scanned } : undefined),
    // Keep showing the previous rows while a new filter loads: no flash of emptiness.
    placeholderData: (previous) => previous,
  });
}

/**
 * How the server would serve a list (index, or a bounded scan), asked before
 * running it: the plan reads no record.
 */
export function useListPlan(tenantId: string, params: ListParams, enabled = true) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...listKey(tenantId, params), 'plan'],
    enabled,
    queryFn: async () => (await callCrm(functions, 'crmListRecords', { ...listRequest(tenantId, params), explain: true })).plan,
    staleTime: Infinity,
  });
}

export function useRecord(tenantId: string, recordId: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: recordKey(tenantId, recordId),
    queryFn: async () => (await callCrm(functions, 'crmGetRecord', { tenantId, recordId })).record,
  });
}

function useRecordMutation<V>(tenantId: string, run: (variables: V) => Promise<TRecordView>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: async (record) => {
      client.setQueryData(recordKey(tenantId, record.id), record);
      await client.invalidateQueries({ queryKey: [...recordsKey(tenantId), 'list'] });
    },
  });
}

export function useCreateRecord(tenantId: string, module: string) {
  const { functions } = useBackend();
  return useRecordMutation(tenantId, async (data: Record<string, unknown>) =>
    (await callCrm(functions, 'crmCreateRecord', { tenantId, module, data })).record,
  );
}

export interface UpdateRecordInput {
  readonly recordId: string;
  readonly expectedVersion: number;
  readonly data: Record<string, unknown>;
  /** The values the user started from; lets a stale write be retried when nobody touched the same fields. */
  readonly base: Record<string, unknown>;
}

/**
 * Updates send only what the user changed. When the record moved on
 * meanwhile (another user, a workflow's update_field), the write is retried
 * once on the new version if none of the changed fields were touched by the
 * other change; otherwise the conflict is reported, never overwritten.
 */
export function useUpdateRecord(tenantId: string) {
  const { functions } = useBackend();
  return useRecordMutation(tenantId, async ({ recordId, expectedVersion, data, base }: UpdateRecordInput) => {
    try {
      return (await callCrm(functions, 'crmUpdateRecord', { tenantId, recordId, expectedVersion, data })).record;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'functions/aborted') throw error;
      const fresh = (await callCrm(functions, 'crmGetRecord', { tenantId, recordId })).record;
      if (!canRebase(data, base, fresh.data)) throw error;
      return (await callCrm(functions, 'crmUpdateRecord', { tenantId, recordId, expectedVersion: fresh.version, data })).record;
    }
  });
}

/** True when every field being written still holds the value the user started from. */
export function canRebase(changes: Record<string, unknown>, base: Record<string, unknown>, current: Record<string, unknown>): boolean {
  return Object.keys(changes).every((key) => JSON.stringify(base[key] ?? null) === JSON.stringify(current[key] ?? null));
}

export function useDeleteRecord(tenantId: string) {
  const { functions } = useBackend();
  return useRecordMutation(tenantId, async (recordId: string) => (await callCrm(functions, 'crmDeleteRecord', { tenantId, recordId })).record);
}

export function useRestoreRecord(tenantId: string) {
  const { functions } = useBackend();
  return useRecordMutation(tenantId, async (recordId: string) => (await callCrm(functions, 'crmRestoreRecord', { tenantId, recordId })).record);
}

/** A small search for pickers (relationship fields). */
export function useRecordSearch(tenantId: string, module: string, search: string, enabled: boolean) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...recordsKey(tenantId), 'search', module, search],
    enabled,
    queryFn: async () =>
      (
        await callCrm(functions, 'crmListRecords', {
          tenantId,
          module,
          pageSize: 10,
          sort: 'updated_at',
          direction: 'desc',
          ...(search.trim() !== '' ? { search: search.trim() } : {}),
        })
      ).records,
    placeholderData: (previous) => previous,
  });
}
