/**
 * "See the CRM as role X": while set, every callable goes out with
 * `previewAsRole`, and the server answers as that role would be answered and
 * refuses every write (functions/src/api/crm-api.ts). Kept for the tab's
 * session only, so a reload stays in the preview and a new tab does not.
 */
export type PreviewRole = 'owner' | 'admin' | 'member';

const KEY = 'crm.previewRole';
const listeners = new Set<() => void>();
let current: PreviewRole | null = read();

function read(): PreviewRole | null {
  try {
    const value = globalThis.sessionStorage?.getItem(KEY);
    return value === 'owner' || value === 'admin' || value === 'member' ? value : null;
  } catch {
    return null;
  }
}

export function getPreviewRole(): PreviewRole | null {
  return current;
}

export function setPreviewRole(role: PreviewRole | null): void {
  current = role;
  try {
    if (role) globalThis.sessionStorage?.setItem(KEY, role);
    else globalThis.sessionStorage?.removeItem(KEY);
  } catch {
    // Storage refused (private mode): the preview lasts until reload.
  }
  for (const listener of listeners) listener();
}

export function subscribePreviewRole(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The request as sent: with the preview key while a preview is on. */
export function withPreview<T>(data: T): T {
  if (current === null || typeof data !== 'object' || data === null) return data;
  return { ...data, previewAsRole: current };
}
