/**
 * Wire format of roll-up recompute, duplicate rules and checks, and merge.
 * Depends on zod and the pure engine only, so the SPA can import it.
 */
import { z } from 'zod';
import { DuplicateRuleSchema, MAX_MERGE_RECORDS } from '../engine/duplicates/duplicate-rules.js';
import { FieldKeySchema, IdSchema, ModuleSlugSchema, RecordDataSchema, TenantIdSchema } from './schemas.js';

// ---- roll-ups ---------------------------------------------------------------

export const ZRecomputeRollupsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  /** The module that holds the roll-up fields (the parents). */
  module: ModuleSlugSchema,
  /** One roll-up field; all of the module's when absent. */
  field: FieldKeySchema.optional(),
  /** One parent record: recomputed now, in the call; the whole module otherwise, as a job. */
  recordId: IdSchema.optional(),
});
export type TRecomputeRollupsRequest = z.infer<typeof ZRecomputeRollupsRequestSchema>;

export const ZRecomputeRollupsResponseSchema = z.object({
  /** Set when the recompute runs as a job (a whole module). */
  jobId: z.string().nullable(),
  /** For one record: the fields recomputed and their values now. */
  values: z.record(z.string(), z.unknown()).nullable(),
});
export type TRecomputeRollupsResponse = z.infer<typeof ZRecomputeRollupsResponseSchema>;

// ---- duplicates -------------------------------------------------------------

export const ZGetDuplicateRulesRequestSchema = z.strictObject({ tenantId: TenantIdSchema, module: ModuleSlugSchema });
export type TGetDuplicateRulesRequest = z.infer<typeof ZGetDuplicateRulesRequestSchema>;

export const ZDuplicateRulesResponseSchema = z.object({
  module: z.string(),
  rules: z.array(DuplicateRuleSchema),
  updatedAt: z.string().nullable(),
});
export type TDuplicateRulesResponse = z.infer<typeof ZDuplicateRulesResponseSchema>;

export const ZSaveDuplicateRulesRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  /** Checked in the service against the module's fields (each issue at its path). */
  rules: z.array(z.unknown()).max(50),
});
export type TSaveDuplicateRulesRequest = z.infer<typeof ZSaveDuplicateRulesRequestSchema>;

export const ZFindDuplicatesRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  data: RecordDataSchema,
  /** The record being edited (not its own duplicate). */
  recordId: IdSchema.optional(),
});
export type TFindDuplicatesRequest = z.infer<typeof ZFindDuplicatesRequestSchema>;

export const DuplicateMatchSchema = z.object({
  recordId: z.string(),
  number: z.string(),
  display: z.string().nullable(),
  rules: z.array(z.string()),
  score: z.number(),
});
export type TDuplicateMatch = z.infer<typeof DuplicateMatchSchema>;

export const ZFindDuplicatesResponseSchema = z.object({ matches: z.array(DuplicateMatchSchema) });
export type TFindDuplicatesResponse = z.infer<typeof ZFindDuplicatesResponseSchema>;

// ---- merge ------------------------------------------------------------------

export const ZMergeRecordsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  /** The record that stays. */
  winnerId: IdSchema,
  /** Every record of the merge, the winner included (2 to MAX). */
  recordIds: z.array(IdSchema).min(2).max(MAX_MERGE_RECORDS),
  /** Field key → id of the record whose value wins; unlisted fields keep the winner's value. */
  fields: z.record(FieldKeySchema, IdSchema).default({}),
});
export type TMergeRecordsRequest = z.input<typeof ZMergeRecordsRequestSchema>;

export const ZMergeRecordsResponseSchema = z.object({ jobId: z.string() });
export type TMergeRecordsResponse = z.infer<typeof ZMergeRecordsResponseSchema>;
