import type { z } from 'zod';
import type { Caller } from '../services/caller.js';
import type { AuthClaims } from '../services/identity/identity-port.js';
import type { Services } from '../services/create-services.js';

/** A callable as the transport sees it: unvalidated data in, the verified caller, JSON out. */
export interface CallableRequest {
  readonly data: unknown;
  readonly auth: AuthClaims | null | undefined;
}

export interface CallableSpec<Req extends z.ZodType, Res extends z.ZodType> {
  readonly request: Req;
  readonly response: Res;
  /** `tenant`: the request names a tenant and the caller must be allowed in it. */
  readonly scope: 'tenant' | 'user';
  readonly handle: (context: { caller: Caller | null; claims: AuthClaims; services: Services }, input: z.infer<Req>) => Promise<z.input<Res>>;
}

export function define<Req extends z.ZodType, Res extends z.ZodType>(spec: CallableSpec<Req, Res>): CallableSpec<Req, Res> {
  return spec;
}

export function requireCaller(caller: Caller | null): Caller {
  if (!caller) throw new Error('tenant-scoped callable without a caller');
  return caller;
}

