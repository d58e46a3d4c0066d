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

/**
 * A callable that names a tenant. The dispatcher resolves the caller's
 * membership in that tenant before `handle` runs, so `handle` always gets one.
 */
export function defineTenant<Req extends z.ZodType, Res extends z.ZodType>(spec: {
  readonly request: Req;
  readonly response: Res;
  readonly handle: (context: { caller: Caller; claims: AuthClaims; services: Services }, input: z.infer<Req>) => Promise<z.input<Res>>;
}): CallableSpec<Req, Res> {
  return {
    request: spec.request,
    response: spec.response,
    scope: 'tenant',
    handle: (context, input) => {
      if (!context.caller) throw new Error('tenant-scoped callable without a caller');
      return spec.handle({ ...context, caller: context.caller }, input);
    },
  };
}

