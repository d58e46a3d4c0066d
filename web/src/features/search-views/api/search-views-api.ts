import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as schemas from '@crm/api/search-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

/** This feature's callables (loaded with its screens, not the first one). */
const SEARCH_VIEWS_CALLABLES = {
  crmSearchRecords: { request: schemas.ZSearchRecordsRequestSchema, response: schemas.ZSearchRecordsResponseSchema },
  crmListViews: { request: schemas.ZListViewsRequestSchema, response: schemas.ZListViewsResponseSchema },
  crmSaveView: { request: schemas.ZSaveViewRequestSchema, response: schemas.ZViewResponseSchema },
  crmDeleteView: { request: schemas.ZDeleteViewRequestSchema, response: schemas.ZOkResponseSchema },
  crmSetDefaultView: { request: schemas.ZSetDefaultViewRequestSchema, response: schemas.ZViewResponseSchema },
  crmCountGroups: { request: schemas.ZCountGroupsRequestSchema, response: schemas.ZCountGroupsResponseSchema },
  crmListCalendar: { request: schemas.ZListCalendarRequestSchema, response: schemas.ZListCalendarResponseSchema },
} as const;

export const callSearchViews = createCaller(SEARCH_VIEWS_CALLABLES);

/**
 * One request per (debounced) text. The answer shown is always the one for
 * the current text: an answer for an older text lands in its own cache entry
 * and is never displayed, so a slow response cannot overwrite a newer one.
 */
export function useGlobalSearch(tenantId: string, text: string) {
  const { functions } = useBackend();
  const trimmed = text.trim();
  return useQuery({
    queryKey: ['crm', tenantId, 'search', trimmed],
    enabled: trimmed.length > 0,
    queryFn: () => callSearchViews(functions, 'crmSearchRecords', { tenantId, text: trimmed }),
    staleTime: 30_000,
  });
}

export const viewsKey = (tenantId: string) => ['crm', tenantId, 'views'] as const;

export function useViews(tenantId: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: viewsKey(tenantId),
    queryFn: () => callSearchViews(functions, 'crmListViews', { tenantId }),
    staleTime: 60_000,
  });
}

export function useSaveView(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: Omit<schemas.TSaveViewRequest, 'tenantId'>) => callSearchViews(functions, 'crmSaveView', { tenantId, ...request }),
    onSuccess: () => client.invalidateQueries({ queryKey: viewsKey(tenantId) }),
  });
}

export function useDeleteView(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (viewId: string) => callSearchViews(functions, 'crmDeleteView', { tenantId, viewId }),
    onSuccess: () => client.invalidateQueries({ queryKey: viewsKey(tenantId) }),
  });
}

export function useSetDefaultView(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: { viewId: string; roles: Array<(typeof schemas.VIEW_ROLES)[number]> }) => callSearchViews(functions, 'crmSetDefaultView', { tenantId, ...request }),
    onSuccess: () => client.invalidateQueries({ queryKey: viewsKey(tenantId) }),
  });
}

export function useGroupCounts(tenantId: string, module: string, field: string | null) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: ['crm', tenantId, 'records', 'groups', module, field],
    enabled: field !== null,
    queryFn: () => callSearchViews(functions, 'crmCountGroups', { tenantId, module, field: field ?? '' }),
  });
}

export function useCalendar(tenantId: string, request: { module: string; field: string; from: string; to: string }) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: ['crm', tenantId, 'records', 'calendar', request],
    queryFn: () => callSearchViews(functions, 'crmListCalendar', { tenantId, ...request }),
    placeholderData: keepPreviousData,
  });
}
