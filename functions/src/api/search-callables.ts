import { searchRecords } from '../services/search/global-search.js';
import { countGroups } from '../services/views/count-groups.js';
import { listCalendar } from '../services/views/list-calendar.js';
import { deleteView, listViews, saveView, setDefaultView } from '../services/views/views-service.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './search-schemas.js';

/** Global search, saved views, group counts and the calendar (see search-schemas.ts). */
export const SEARCH_CALLABLES = {
  crmSearchRecords: defineTenant({
    request: schemas.ZSearchRecordsRequestSchema,
    response: schemas.ZSearchRecordsResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => searchRecords(services, caller, input),
  }),
  crmListViews: defineTenant({
    request: schemas.ZListViewsRequestSchema,
    response: schemas.ZListViewsResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => listViews(services, caller, input),
  }),
  crmSaveView: defineTenant({
    request: schemas.ZSaveViewRequestSchema,
    response: schemas.ZViewResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => ({ view: await saveView(services, caller, input) }),
  }),
  crmDeleteView: defineTenant({
    request: schemas.ZDeleteViewRequestSchema,
    response: schemas.ZOkResponseSchema,
    handle: async ({ caller, services }, { viewId }) => {
      await deleteView(services, caller, { viewId });
      return { ok: true as const };
    },
  }),
  crmSetDefaultView: defineTenant({
    request: schemas.ZSetDefaultViewRequestSchema,
    response: schemas.ZViewResponseSchema,
    handle: async ({ caller, services }, { viewId, roles }) => ({ view: await setDefaultView(services, caller, { viewId, roles }) }),
  }),
  crmCountGroups: defineTenant({
    request: schemas.ZCountGroupsRequestSchema,
    response: schemas.ZCountGroupsResponseSchema,
    handle: async ({ caller, services }, { module, field }) => countGroups(services, caller, { module, field }),
  }),
  crmListCalendar: defineTenant({
    request: schemas.ZListCalendarRequestSchema,
    response: schemas.ZListCalendarResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => listCalendar(services, caller, input),
  }),
} as const;
