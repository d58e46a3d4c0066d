/**
 * Where a tenant's uploaded files live in Cloud Storage: `crm/{tenantId}/{module}/…`.
 * `storage.rules` confine client uploads to this folder and the server refuses
 * a file value pointing anywhere else, so a record cannot reference (and the
 * SPA cannot offer a download of) another tenant's file.
 */
export function fileStorageFolder(tenantId: string, module: string): string {
  return `crm/${tenantId}/${module}/`;
}

/** Whether a file value's storage `path` lies inside the folder of this tenant and module. */
export function isInFileFolder(path: string, tenantId: string, module: string): boolean {
  const folder = fileStorageFolder(tenantId, module);
  return path.startsWith(folder) && path.length > folder.length && !path.split('/').includes('..');
}
