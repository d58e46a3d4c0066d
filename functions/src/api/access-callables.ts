import { exportAuditLogCsv, listAuditLog } from '../services/audit/list-audit-log.js';
import { getAccessSettings, saveAccessSettings } from '../services/access/access-settings.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './access-schemas.js';

/** Audit log, field-level security and the permission editor (issue 16, items 1–3). */
export const ACCESS_CALLABLES = {
  crmListAuditLog: defineTenant({
    request: schemas.ZListAuditLogRequestSchema,
    response: schemas.ZListAuditLogResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => listAuditLog(services.store, caller, input),
  }),

  crmExportAuditLog: defineTenant({
    request: schemas.ZExportAuditLogRequestSchema,
    response: schemas.ZExportAuditLogResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...filters }) => exportAuditLogCsv(services.store, caller, filters),
  }),

  crmGetAccessSettings: defineTenant({
    request: schemas.ZGetAccessSettingsRequestSchema,
    response: schemas.ZAccessSettingsResponseSchema,
    handle: async ({ caller, services }) => ({ settings: await getAccessSettings(services.configs, caller) }),
  }),

  crmSaveAccessSettings: defineTenant({
    request: schemas.ZSaveAccessSettingsRequestSchema,
    response: schemas.ZAccessSettingsResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => ({ settings: await saveAccessSettings(services.config, caller, input) }),
  }),
} as const;
