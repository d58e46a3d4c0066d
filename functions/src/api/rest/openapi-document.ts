import { z } from 'zod';
import type { FieldDefinition } from '../../engine/template/template-schema.js';
import { fieldLabel, selectOptionValues, relationshipOptions } from '../../engine/fields/field-definition.js';
import { resolveAccessScope, type Actor } from '../../engine/permissions/evaluate-permission.js';
import { resolveModule, type TenantConfig } from '../../services/config/tenant-config.js';
import { fieldAccessFor } from '../../services/access/field-security.js';
import { ListPlanSchema, RecordFilterSchema, RecordViewSchema, ZListRecordsRequestSchema } from '../schemas.js';
import { RestErrorBodySchema } from './rest-schemas.js';

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) from the callables' own zod schemas. */
function fromZod(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/**
 * The value a field holds, as the record validator (engine/fields) accepts
 * it. Kept beside the document, not in the field registry, because it
 * describes the wire format of this API.
 */
export function fieldValueSchema(field: FieldDefinition): JsonSchema {
  const description = fieldLabel(field);
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'phone':
      return { type: 'string', description };
    case 'email':
      return { type: 'string', format: 'email', description };
    case 'url':
      return { type: 'string', format: 'uri', description };
    case 'number':
      return { type: 'number', description };
    case 'currency':
      return { type: 'number', multipleOf: 0.01, description };
    case 'date':
      return { type: 'string', format: 'date', description };
    case 'datetime':
      return { type: 'string', format: 'date-time', description };
    case 'checkbox':
      return { type: 'boolean', description };
    case 'select':
      return { type: 'string', enum: selectOptionValues(field), description };
    case 'multi_select':
      return { type: 'array', items: { type: 'string', enum: selectOptionValues(field) }, uniqueItems: true, description };
    case 'relationship': {
      const related = relationshipOptions(field)?.related_module;
      return { type: 'string', description: related ? `${description} (id of a ${related} record)` : description };
    }
    case 'file':
      return {
        type: 'object',
        properties: { name: { type: 'string' }, path: { type: 'string' }, url: { type: 'string', format: 'uri' }, size: { type: 'integer', minimum: 0 }, content_type: { type: 'string' } },
        required: ['name'],
        anyOf: [{ required: ['path'] }, { required: ['url'] }],
        additionalProperties: false,
        description,
      };
    default:
      // Computed types (formula, roll-up): the server writes them; a request that sets one is refused.
      return { description: `${description} (computed; read-only)`, readOnly: true };
  }
}

/**
 * The tenant's OpenAPI 3.1 document, built on each request from its current
 * configuration: a field added a moment ago is in it. Only modules the key's
 * role may read appear; generic shapes (filters, list plan, errors, the
 * record envelope) come from the same zod schemas the callables validate with.
 */
export function buildOpenApiDocument({ config, actor, serverUrl }: { config: TenantConfig; actor: Actor; serverUrl: string }): JsonSchema {
  const schemas: Record<string, JsonSchema> = {
    RecordFilter: fromZod(RecordFilterSchema, 'input'),
    ListPlan: fromZod(ListPlanSchema),
    Error: fromZod(RestErrorBodySchema),
  };
  const paths: Record<string, JsonSchema> = {};
  const listInput = fromZod(ZListRecordsRequestSchema, 'input') as { properties: Record<string, JsonSchema> };
  const errors = {
    '400': errorResponse('The request does not validate (`issues` names each problem).'),
    '401': errorResponse('Missing, unknown, expired or revoked API key.'),
    '403': errorResponse("The key's role may not do this."),
    '404': errorResponse('No such record or module, or not readable by this key.'),
    '429': {
      description: 'Rate limit reached; retry after the number of seconds in `Retry-After`.',
      headers: { 'Retry-After': { schema: { type: 'integer' } } },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  };
  // Field-level security of the key's role: hidden fields are not in the document, read-only ones say so.
  const access = fieldAccessFor(actor, config);
  for (const module of config.modules) {
    const resolved = resolveModule(config, module.slug);
    if (!resolved) continue;
    if (resolveAccessScope({ actor, matrix: config.permissions, module: module.slug, action: 'read' }) === 'none') continue;
    const name = pascal(module.slug);
    const fields = resolved.activeFields.filter((field) => access.canRead(module.slug, field.key));
    const readOnly = (key: string) => access.level(module.slug, key) === 'read';
    schemas[`${name}Data`] = {
      type: 'object',
      description: `Field values of a ${module.slug} record, by field key.`,
      properties: Object.fromEntries(fields.map((field) => [field.key, { ...fieldValueSchema(field), ...(readOnly(field.key) ? { readOnly: true } : {}) }])),
      additionalProperties: false,
    };
    schemas[`${name}CreateData`] = {
      allOf: [{ $ref: `#/components/schemas/${name}Data` }],
      required: fields.filter((field) => field.required && !readOnly(field.key)).map((field) => field.key),
    };
    const recordView = fromZod(RecordViewSchema) as { properties: Record<string, JsonSchema> };
    recordView.properties.data = { $ref: `#/components/schemas/${name}Data` };
    schemas[`${name}Record`] = recordView;
    const recordEnvelope = jsonContent({ type: 'object', properties: { record: { $ref: `#/components/schemas/${name}Record` } }, required: ['record'] });
    const idempotency = { $ref: '#/components/parameters/IdempotencyKey' };
    const tag = module.slug;
    paths[`/v1/modules/${module.slug}/records`] = {
      get: {
        operationId: `list_${module.slug}`,
        tags: [tag],
        summary: `List ${module.slug} records`,
        parameters: [
          queryParam('filter', 'A JSON array of filters, e.g. [{"field":"status","op":"eq","value":"Active"}].', { type: 'string' }),
          queryParam('search', 'Text search over searchable fields.', listInput.properties.search ?? { type: 'string' }),
          queryParam('sort', '`number`, `created_at`, `updated_at` or an indexed field key.', { type: 'string' }),
          queryParam('direction', 'Sort direction.', { type: 'string', enum: ['asc', 'desc'] }),
          queryParam('limit', 'Page size (1–100).', { type: 'integer', minimum: 1, maximum: 100 }),
          queryParam('cursor', 'The `nextCursor` of the previous page.', { type: 'string' }),
          queryParam('deleted', '`true` lists the trash.', { type: 'boolean' }),
        ],
        responses: {
          '200': jsonContent(
            {
              type: 'object',
              properties: {
                records: { type: 'array', items: { $ref: `#/components/schemas/${name}Record` } },
                nextCursor: { type: ['string', 'null'] },
                scanLimited: { type: 'boolean' },
                plan: { $ref: '#/components/schemas/ListPlan' },
              },
              required: ['records', 'nextCursor', 'scanLimited', 'plan'],
            },
            'A page of records.',
          ),
          ...pick(errors, ['400', '401', '403', '404', '429']),
        },
      },
      post: {
        operationId: `create_${module.slug}`,
        tags: [tag],
        summary: `Create a ${module.slug} record`,
        parameters: [idempotency],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', properties: { data: { $ref: `#/components/schemas/${name}CreateData` } }, required: ['data'] },
            },
          },
        },
        responses: { '201': { ...recordEnvelope, description: 'Created.' }, '409': errorResponse('A unique value is taken, or the Idempotency-Key was used with another request.'), ...errors },
      },
    };
    const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
    paths[`/v1/modules/${module.slug}/records/{id}`] = {
      parameters: [idParam],
      get: { operationId: `get_${module.slug}`, tags: [tag], summary: `Get a ${module.slug} record`, responses: { '200': { ...recordEnvelope, description: 'The record.' }, ...pick(errors, ['401', '403', '404', '429']) } },
      patch: {
        operationId: `update_${module.slug}`,
        tags: [tag],
        summary: `Update a ${module.slug} record (only the fields sent)`,
        parameters: [
          idempotency,
          { name: 'If-Match', in: 'header', required: false, description: 'The version last read, e.g. "3" (or send `version` in the body).', schema: { type: 'string' } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { data: { $ref: `#/components/schemas/${name}Data` }, version: { type: 'integer', minimum: 1 } },
                required: ['data'],
              },
            },
          },
        },
        responses: {
          '200': { ...recordEnvelope, description: 'The record after the change.' },
          '409': errorResponse('The record changed since `version` (read it again), or a unique value is taken.'),
          '428': errorResponse('Neither If-Match nor `version` was sent.'),
          ...errors,
        },
      },
      delete: {
        operationId: `delete_${module.slug}`,
        tags: [tag],
        summary: `Move a ${module.slug} record to the trash`,
        parameters: [idempotency],
        responses: { '200': { ...recordEnvelope, description: 'The record, now in the trash.' }, '409': errorResponse('Already in the trash.'), ...pick(errors, ['401', '403', '404', '429']) },
      },
    };
    paths[`/v1/modules/${module.slug}/records/{id}/restore`] = {
      parameters: [idParam],
      post: {
        operationId: `restore_${module.slug}`,
        tags: [tag],
        summary: `Restore a ${module.slug} record from the trash`,
        parameters: [idempotency],
        responses: { '200': { ...recordEnvelope, description: 'The restored record.' }, '409': errorResponse('Not in the trash.'), ...pick(errors, ['401', '403', '404', '429']) },
      },
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: `CRM Pro REST API — ${config.template?.name ?? config.tenantId}`,
      version: `1.${config.revision}`,
      description:
        'Records of every module this API key may read. Authenticate with `Authorization: Bearer <key>`; writes accept an `Idempotency-Key` header (kept 24 h).',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    tags: config.modules.filter((module) => paths[`/v1/modules/${module.slug}/records`]).map((module) => ({ name: module.slug })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key created by a tenant admin (crm_…).' } },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Replaying a key (same request, within 24 h) returns the first response and writes nothing.',
          schema: { type: 'string', maxLength: 255 },
        },
      },
      schemas,
    },
  };
}

function pascal(slug: string): string {
  return slug.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

function jsonContent(schema: JsonSchema, description = 'OK'): JsonSchema {
  return { description, content: { 'application/json': { schema } } };
}

function errorResponse(description: string): JsonSchema {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

function queryParam(name: string, description: string, schema: JsonSchema): JsonSchema {
  return { name, in: 'query', required: false, description, schema };
}

function pick<T extends Record<string, unknown>>(source: T, keys: ReadonlyArray<keyof T>): Partial<T> {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as Partial<T>;
}
