import * as schemas from './dashboard-schemas.js';
import { defineTenant } from './define-callable.js';

/** Dashboards: list by role, render, and admin CRUD. Thin: parse, call the service, shape. */
export const DASHBOARD_CALLABLES = {
  crmListDashboards: defineTenant({
    request: schemas.ZListDashboardsRequestSchema,
    response: schemas.ZListDashboardsResponseSchema,
    handle: async ({ caller, services }) => services.dashboards.list(caller),
  }),

  crmGetDashboardData: defineTenant({
    request: schemas.ZGetDashboardDataRequestSchema,
    response: schemas.ZGetDashboardDataResponseSchema,
    handle: async ({ caller, services }, input) => services.dashboards.render(caller, input.dashboardId, { lang: input.lang }),
  }),

  crmSaveDashboard: defineTenant({
    request: schemas.ZSaveDashboardRequestSchema,
    response: schemas.ZSaveDashboardResponseSchema,
    handle: async ({ caller, services }, input) => ({
      dashboard: await services.dashboards.save(caller, input.dashboard, input.dashboardId),
    }),
  }),

  crmDeleteDashboard: defineTenant({
    request: schemas.ZDeleteDashboardRequestSchema,
    response: schemas.ZDeleteDashboardResponseSchema,
    handle: async ({ caller, services }, input) => {
      await services.dashboards.delete(caller, input.dashboardId);
      return { deleted: true as const };
    },
  }),
};
