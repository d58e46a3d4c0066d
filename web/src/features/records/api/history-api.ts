import { useInfiniteQuery } from '@tanstack/react-query';
import { ZListRecordHistoryRequestSchema, ZListRecordHistoryResponseSchema } from '@crm/api/history-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';
import { recordKey } from './records-api';

const callHistory = createCaller({ crmListRecordHistory: { request: ZListRecordHistoryRequestSchema, response: ZListRecordHistoryResponseSchema } });

/**
 * A record's change history, newest first, a page at a time. Keyed under the
 * record, so every update of the record (which invalidates it) refreshes it.
 */
export function useRecordHistory(tenantId: string, recordId: string) {
  const { functions } = useBackend();
  return useInfiniteQuery({
    queryKey: [...recordKey(tenantId, recordId), 'history'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => callHistory(functions, 'crmListRecordHistory', { tenantId, recordId, pageSize: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // An edit elsewhere in the app updates the record's cache entry, not this one: refetch whenever the page opens.
    staleTime: 0,
  });
}
