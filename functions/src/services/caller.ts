import type { Actor } from '../engine/permissions/evaluate-permission.js';

/** The authenticated caller, resolved against one tenant by the API layer. */
export interface Caller extends Actor {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly email?: string | undefined;
}
