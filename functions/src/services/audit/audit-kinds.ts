/** Kinds of audited change. Plain data, so the SPA's filter and the wire schema share it. */
export const AUDIT_KINDS = [
  'field',
  'module',
  'permissions',
  'workflow',
  'dashboard',
  'settings',
  'template',
  'upgrade',
  'import',
  'export',
  'merge',
  'api_key',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];
