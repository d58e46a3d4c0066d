import { resolveLabel } from '../../engine/template/localized-text.js';
import { resolveAccessScope } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import type { ResolvedModule, TenantConfig } from '../config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { requireScope } from '../records/records-service.js';

/**
 * Exporting takes the matrix's `export` action on the module and the right
 * to read it; which records come out is then the read rule's business
 * (read_own exports own records only, through the list's owner-scoped query).
 */
export function requireExportRight(caller: Caller, config: TenantConfig, module: ResolvedModule): void {
  if (resolveAccessScope({ actor: caller, matrix: config.permissions, module: module.slug, action: 'export' }) === 'none') {
    const label = resolveLabel(module.config.label, 'en') || module.slug;
    throw new CrmError(CRM_ERROR_CODES.forbidden, `Your role may not export records from ${label}.`, [], {
      messageKey: 'errors.record.forbidden.export',
      params: { module: label },
    });
  }
  requireScope(caller, config, module, 'read');
}
