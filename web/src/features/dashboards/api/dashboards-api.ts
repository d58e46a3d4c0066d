import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '@crm/api/dashboard-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

/**
 * The dashboard callables, checked like `callCrm` does (request before it
 * leaves, response before it renders). Kept here rather than in the shared
 * callable map so their schemas load with the dashboard route only.
 */
const DASHBOARD_CALLABLES = {
  crmListDashboards: { request: api.ZListDashboardsRequestSchema, response: api.ZListDashboardsResponseSchema },
  crmGetDashboardData: { request: api.ZGetDashboardDataRequestSchema, response: api.ZGetDashboardDataResponseSchema },
  crmSaveDashboard: { request: api.ZSaveDashboardRequestSchema, response: api.ZSaveDashboardResponseSchema },
  crmDeleteDashboard: { request: api.ZDeleteDashboardRequestSchema, response: api.ZDeleteDashboardResponseSchema },
} as const;


export type DashboardView = api.TDashboardView;
export type WidgetData = api.TWidgetData;
export type DashboardData = api.TGetDashboardDataResponse;
export type DashboardInput = api.TDashboardInput;

const callDashboards = createCaller(DASHBOARD_CALLABLES);

const dashboardsKey = (tenantId: string) => ['crm', tenantId, 'dashboards'] as const;

export function useDashboardList(tenantId: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...dashboardsKey(tenantId), 'list'],
    queryFn: () => callDashboards(functions, 'crmListDashboards', { tenantId }),
  });
}

/** Figures are never cached by the server; opening the dashboard again asks afresh (records may have changed meanwhile). */
export function useDashboardData(tenantId: string, dashboardId: string | null, lang: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...dashboardsKey(tenantId), 'data', dashboardId, lang],
    enabled: dashboardId !== null,
    queryFn: () => callDashboards(functions, 'crmGetDashboardData', { tenantId, dashboardId: dashboardId ?? '', lang }),
    refetchOnMount: 'always',
    placeholderData: keepPreviousData,
  });
}

export function useSaveDashboard(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { dashboardId?: string; dashboard: DashboardInput }) =>
      callDashboards(functions, 'crmSaveDashboard', { tenantId, ...(input.dashboardId ? { dashboardId: input.dashboardId } : {}), dashboard: input.dashboard }),
    onSuccess: () => client.invalidateQueries({ queryKey: dashboardsKey(tenantId) }),
  });
}

export function useDeleteDashboard(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (dashboardId: string) => callDashboards(functions, 'crmDeleteDashboard', { tenantId, dashboardId }),
    onSuccess: () => client.invalidateQueries({ queryKey: dashboardsKey(tenantId) }),
  });
}
