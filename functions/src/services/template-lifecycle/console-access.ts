import type { PlatformRole } from '../../engine/permissions/evaluate-permission.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { platformRoleFromClaims, type AuthClaims } from '../identity/identity-port.js';

/**
 * The template console is platform tooling, not tenant data: only super admins
 * and platform staff (the `platform_role` custom claim) may use it. Checked on
 * the server for every console callable; the SPA hiding the page is a courtesy.
 */
export function requirePlatformStaff(claims: AuthClaims): PlatformRole {
  const role = platformRoleFromClaims(claims);
  if (role === null) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'The template console is for platform super admins and staff only.');
  }
  return role;
}
