import type { Caller } from '../../services/caller.js';
import type { Services } from '../../services/create-services.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../../services/errors.js';
import { listRecords } from '../../services/records/list-records.js';
import { recordNotFound } from '../../services/records/records-service.js';
import type { RecordView } from '../../services/records/record-model.js';
import { isStoreError } from '../../store/document-store.js';
import { log } from '../../services/logging/log.js';
import { IDEMPOTENCY_KEY_FORMAT, IdempotencyKeyReused, IdempotentReplay, idempotencyGuard } from '../../services/integrations/idempotency.js';
import type { TokenBucketLimiter } from '../../services/integrations/rate-limiter.js';
import { parseRequest } from '../parse-request.js';
import { z } from 'zod';
import { ZListRecordsRequestSchema, ZGetRecordRequestSchema, ModuleSlugSchema } from '../schemas.js';
import { toHttpsErrorCode } from '../to-https-error.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { ZRestCreateBodySchema, ZRestUpdateBodySchema, type TRestErrorBody } from './rest-schemas.js';

/** A request as the REST layer sees it, transport aside (Cloud Functions' Express request or a test). */
export interface RestRequest {
  readonly method: string;
  /** The path below the function's root, e.g. `/v1/modules/patients/records`. */
  readonly path: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  /** Where this API is served, for the OpenAPI document's `servers`. */
  readonly baseUrl: string;
}

export interface RestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export interface RestApiDeps {
  readonly services: Services;
  readonly limiter: TokenBucketLimiter;
  readonly now?: () => Date;
}

type Route =
  | { kind: 'openapi' }
  | { kind: 'collection'; module: string }
  | { kind: 'record'; module: string; id: string }
  | { kind: 'restore'; module: string; id: string };

const ROUTES: ReadonlyArray<{ pattern: RegExp; build: (match: RegExpExecArray) => Route; methods: readonly string[] }> = [
  { pattern: /^\/v1\/openapi\.json$/, build: () => ({ kind: 'openapi' }), methods: ['GET'] },
  { pattern: /^\/v1\/modules\/([^/]+)\/records$/, build: (m) => ({ kind: 'collection', module: m[1] ?? '' }), methods: ['GET', 'POST'] },
  { pattern: /^\/v1\/modules\/([^/]+)\/records\/([^/]+)$/, build: (m) => ({ kind: 'record', module: m[1] ?? '', id: m[2] ?? '' }), methods: ['GET', 'PATCH', 'DELETE'] },
  { pattern: /^\/v1\/modules\/([^/]+)\/records\/([^/]+)\/restore$/, build: (m) => ({ kind: 'restore', module: m[1] ?? '', id: m[2] ?? '' }), methods: ['POST'] },
];

/**
 * The REST API: authenticates the bearer key into a `Caller` (uid
 * `apikey:<id>`, the key's role and tenant) and then calls the very services
 * the callables call, with the callables' zod schemas, so permissions,
 * own-record scopes, validation and field-level security are the same on
 * both doors. It never reads records from the store itself.
 */
export async function handleRestRequest(deps: RestApiDeps, request: RestRequest): Promise<RestResponse> {
  try {
    return await route(deps, request);
  } catch (error) {
    return errorResponse(error);
  }
}

async function route(deps: RestApiDeps, request: RestRequest): Promise<RestResponse> {
  const { services } = deps;
  const matched = matchRoute(request.path);
  if (!matched) return failure(404, 'not-found', `No such endpoint: ${request.method} ${request.path}. See /v1/openapi.json.`);
  const bearer = bearerOf(request.headers.authorization);
  if (!bearer) return unauthorized('Send an API key: Authorization: Bearer <key>.');
  const auth = await services.apiKeys.authenticate(bearer);
  // One answer for unknown, revoked, expired and malformed keys: no probing which keys exist.
  if (!auth.ok) return unauthorized(auth.reason === 'tenant-inactive' ? 'This CRM is not available.' : 'This API key is not valid (unknown, revoked or expired).');
  const rate = deps.limiter.take(auth.caller.tenantId);
  if (!rate.allowed) {
    return {
      ...failure(429, 'rate-limited', `Too many requests for this tenant; retry in ${rate.retryAfterSeconds} s.`),
      headers: { 'retry-after': String(rate.retryAfterSeconds) },
    };
  }
  if (!matched.methods.includes(request.method)) {
    return { ...failure(405, 'method-not-allowed', `${request.method} is not supported here.`), headers: { allow: matched.methods.join(', ') } };
  }
  const caller = auth.caller;
  const r = matched.route;
  if (r.kind === 'openapi') {
    const config = await services.configs.require(caller.tenantId);
    return ok(200, buildOpenApiDocument({ config, actor: caller, serverUrl: request.baseUrl }));
  }
  const { module } = parseRequest(ZModulePathSchema, { module: r.module });
  const idempotency = idempotencyFor(deps, request, auth.keyId, caller);

  if (r.kind === 'collection' && request.method === 'GET') {
    const input = parseRequest(ZListRecordsRequestSchema, { tenantId: caller.tenantId, module, ...listQuery(request.query) });
    const { tenantId: _tenantId, ...options } = input;
    return ok(200, await listRecords(services, caller, options));
  }
  if (r.kind === 'collection') {
    const body = parseRequest(ZRestCreateBodySchema, request.body);
    return idempotent(services, idempotency, 201, async (guard) => ({ record: await services.records.create(caller, module, body.data, guard) }));
  }
  const { recordId: id } = parseRequest(ZGetRecordRequestSchema, { tenantId: caller.tenantId, recordId: r.id });
  // The URL names the module: a record of another module is not found here (one read; the write re-checks everything).
  const current = await services.records.get(caller, id);
  if (current.module !== module) throw recordNotFound();
  if (r.kind === 'restore') return idempotent(services, idempotency, 200, async (guard) => ({ record: await services.records.restore(caller, id, guard) }));
  if (request.method === 'GET') return ok(200, { record: current }, { etag: `"${current.version}"` });
  if (request.method === 'DELETE') return idempotent(services, idempotency, 200, async (guard) => ({ record: await services.records.delete(caller, id, guard) }));
  const body = parseRequest(ZRestUpdateBodySchema, request.body);
  const version = body.version ?? versionFromIfMatch(headerOf(request.headers['if-match']));
  if (version === null) {
    return failure(428, 'version-required', 'Send the version you last read: an If-Match header ("3") or `version` in the body.');
  }
  return idempotent(services, idempotency, 200, async (guard) => ({ record: await services.records.update(caller, id, body.data, version, guard) }));
}

type Guard = ReturnType<typeof idempotencyGuard>;

const ZModulePathSchema = z.strictObject({ module: ModuleSlugSchema });

function idempotencyFor(deps: RestApiDeps, request: RestRequest, apiKeyId: string, caller: Caller): ((status: number) => Guard) | null {
  const key = headerOf(request.headers['idempotency-key']);
  if (key === null) return null;
  if (!IDEMPOTENCY_KEY_FORMAT.test(key)) {
    throw invalidInput([{ path: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' }]);
  }
  const now = deps.now?.() ?? new Date();
  return (status) =>
    idempotencyGuard(
      { tenantId: caller.tenantId, apiKeyId, idempotencyKey: key, request: { method: request.method, path: request.path, body: request.body }, now },
      status,
    );
}

/** Runs a write with its idempotency guard (if the request has a key); a replay answers the stored response. */
async function idempotent(
  services: Services,
  makeGuard: ((status: number) => Guard) | null,
  status: number,
  write: (guard: Guard | undefined) => Promise<{ record: RecordView }>,
): Promise<RestResponse> {
  const guard = makeGuard?.(status);
  try {
    // A cheap read first, so a plain retry does not even allocate a record number; the transaction decides.
    if (guard) await guard.precheck(services.store);
    return ok(status, await write(guard));
  } catch (error) {
    if (error instanceof IdempotentReplay) return ok(error.status, error.body, { 'idempotent-replayed': 'true' });
    if (error instanceof IdempotencyKeyReused) return failure(422, 'idempotency-key-reused', error.message);
    throw error;
  }
}

function matchRoute(path: string): { route: Route; methods: readonly string[] } | null {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(normalized);
    if (match) return { route: candidate.build(match), methods: candidate.methods };
  }
  return null;
}

/** Query string → the list callable's input; values that do not parse are passed on for the schema to name. */
function listQuery(query: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const text = (name: string): string | undefined => {
    const value = query[name];
    return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : value === undefined ? undefined : String(value);
  };
  const filter = text('filter');
  if (filter !== undefined) {
    try {
      input.filters = JSON.parse(filter) as unknown;
    } catch {
      throw invalidInput([{ path: 'filter', message: 'must be a JSON array of filters, e.g. [{"field":"status","op":"eq","value":"Active"}]' }]);
    }
  }
  for (const name of ['search', 'sort', 'direction', 'cursor'] as const) {
    const value = text(name);
    if (value !== undefined) input[name] = value;
  }
  const limit = text('limit');
  if (limit !== undefined) input.pageSize = /^\d+$/.test(limit) ? Number(limit) : limit;
  const deleted = text('deleted');
  if (deleted !== undefined) input.deleted = deleted === 'true' ? true : deleted === 'false' ? false : deleted;
  const unknown = Object.keys(query).filter((name) => !['filter', 'search', 'sort', 'direction', 'cursor', 'limit', 'deleted'].includes(name));
  if (unknown.length > 0) throw invalidInput(unknown.map((name) => ({ path: name, message: 'is not a query parameter of this endpoint' })));
  return input;
}

function headerOf(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function bearerOf(value: string | string[] | undefined): string | null {
  const header = headerOf(value);
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

/** `"3"`, `W/"3"` or `3`. */
function versionFromIfMatch(value: string | null): number | null {
  if (value === null) return null;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value.trim());
  if (!match) throw invalidInput([{ path: 'If-Match', message: 'must be the record version you last read, e.g. "3"' }]);
  return Number(match[1]);
}

function ok(status: number, body: unknown, headers: Record<string, string> = {}): RestResponse {
  return { status, headers, body };
}

function failure(status: number, code: string, message: string, extra: Partial<TRestErrorBody['error']> = {}): RestResponse {
  return { status, headers: {}, body: { error: { code, message, ...extra } } };
}

function unauthorized(message: string): RestResponse {
  return { ...failure(401, 'unauthenticated', message), headers: { 'www-authenticate': 'Bearer' } };
}

const HTTP_STATUS: Record<string, number> = {
  unauthenticated: 401,
  'invalid-argument': 400,
  'permission-denied': 403,
  'not-found': 404,
  'already-exists': 409,
  'failed-precondition': 409,
  aborted: 409,
};

/** CRM errors keep their code, message, i18n key and issues; anything unexpected is a 500 without details. */
function errorResponse(error: unknown): RestResponse {
  if (error instanceof CrmError) {
    const status = error.code === CRM_ERROR_CODES.contention ? 503 : (HTTP_STATUS[toHttpsErrorCode(error.code)] ?? 400);
    const response = failure(status, error.code, error.message, {
      messageKey: error.messageKey,
      params: { ...error.params },
      issues: error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    });
    return error.code === CRM_ERROR_CODES.contention ? { ...response, headers: { 'retry-after': '1' } } : response;
  }
  if (isStoreError(error, 'invalid-argument')) return failure(400, 'invalid-input', 'The database refused a value in this request.');
  if (isStoreError(error, 'aborted')) return { ...failure(503, 'contention', 'The CRM is busy with the same data; try again.'), headers: { 'retry-after': '1' } };
  log.error('REST API request failed', { error });
  return failure(500, 'internal', 'Something went wrong on our side. Try again; if it keeps failing, contact support.');
}
