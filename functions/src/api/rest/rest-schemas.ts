/**
 * The REST API's bodies, derived from the callables' schemas (api/schemas.ts)
 * so both transports accept exactly the same record data.
 */
import { z } from 'zod';
import { ZCreateRecordRequestSchema, ZUpdateRecordRequestSchema } from '../schemas.js';

/** POST /v1/modules/{module}/records */
export const ZRestCreateBodySchema = ZCreateRecordRequestSchema.pick({ data: true }).strict();
export type TRestCreateBody = z.infer<typeof ZRestCreateBodySchema>;

/** PATCH /v1/modules/{module}/records/{id}: the version may come in If-Match instead. */
export const ZRestUpdateBodySchema = z.strictObject({
  data: ZUpdateRecordRequestSchema.shape.data,
  version: ZUpdateRecordRequestSchema.shape.expectedVersion.optional(),
});
export type TRestUpdateBody = z.infer<typeof ZRestUpdateBodySchema>;

/** Every error answer: the CRM error code, an English message, the i18n key and the offending inputs. */
export const RestErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    messageKey: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type TRestErrorBody = z.infer<typeof RestErrorBodySchema>;
