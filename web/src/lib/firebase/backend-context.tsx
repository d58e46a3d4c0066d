import { createContext, useContext } from 'react';
import type { FirebaseApp } from 'firebase/app';
import type { Functions } from 'firebase/functions';
import type { User } from 'firebase/auth';

/** How the SPA reaches Firebase, whichever entry (standalone or embedded) created it. */
export interface CrmBackend {
  readonly app: FirebaseApp;
  readonly functions: Functions;
  readonly user: User;
  /** Set when file fields can upload to Cloud Storage (a bucket is configured); null says uploads are off. */
  readonly storage: { readonly emulatorUrl: string | null } | null;
  /** Standalone only: the host OS owns the session when embedded. */
  readonly signOut: (() => Promise<void>) | null;
  /**
   * Where relative file URLs (the embedded runtime's `/__crm/files/…`) resolve:
   * the runtime's origin in local mode; null when deployed (Cloud Storage URLs are absolute).
   */
  readonly filesOrigin: string | null;
  /** Embedded: the host fixes the tenant, so no tenant switcher is offered. */
  readonly fixedTenantId: string | null;
}

const BackendContext = createContext<CrmBackend | null>(null);
export const BackendProvider = BackendContext.Provider;

export function useBackend(): CrmBackend {
  const backend = useContext(BackendContext);
  if (!backend) throw new Error('useBackend outside BackendProvider');
  return backend;
}

/** A file URL from the server (signed, absolute or relative to the runtime) as the browser must fetch it. */
export function resolveFileUrl(backend: Pick<CrmBackend, 'filesOrigin'>, url: string): string {
  return new URL(url, backend.filesOrigin ?? window.location.origin).toString();
}
