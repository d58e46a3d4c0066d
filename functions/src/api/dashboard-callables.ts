import * as schemas from './dashboard-schemas.js';
import { define, requireCaller } from './define-callable.js';

/** Dashboards: list by role, render, and admin CRUD. Thin: parse, call the service, shape. */
export const DASHBOARD_CALLABLES = {
  crmListDashboards: define({
    request: schemas.ZListDashboardsRequestSchema,
    response: schemas.ZListDashboardsResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }) => services.dashboards.list(requireCaller(caller)),
  }),

  crmGetDashboardData: define({
    request: schemas.ZGetDashboardDataRequestSchema,
    response: schemas.ZGetDashboardDataResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => services.dashboards.render(requireCaller(caller), input.dashboardId, { lang: input.lang }),
  }),

  crmSaveDashboard: define({
    request: schemas.ZSaveDashboardRequestSchema,
    response: schemas.ZSaveDashboardResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      dashboard: await services.dashboards.save(requireCaller(caller), input.dashboard, input.dashboardId),
    }),
  }),

  crmDeleteDashboard: define({
    request: schemas.ZDeleteDashboardRequestSchema,
    response: schemas.ZDeleteDashboardResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => {
      await services.dashboards.delete(requireCaller(caller), input.dashboardId);
      return { deleted: true as const };
    },
  }),
};
