import { z } from 'zod';
import { ModuleSlugSchema } from '../engine/template/module-schema.js';
import { ValidationRulesListSchema } from '../engine/formulas/validation-rule-schema.js';
import { JobViewSchema } from './job-schemas.js';
import { TenantIdSchema } from './schemas.js';

/** Replaces a module's validation rules (the whole list, as the editor shows it). */
export const ZSaveValidationRulesRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  rules: ValidationRulesListSchema,
});
export type TSaveValidationRulesRequest = z.input<typeof ZSaveValidationRulesRequestSchema>;

/** Recomputes the formulas of every record of a module (after a formula field was added or changed), as a job. */
export const ZRecomputeFormulasRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
});
export const ZRecomputeFormulasResponseSchema = z.object({ job: JobViewSchema });
export type TRecomputeFormulasResponse = z.infer<typeof ZRecomputeFormulasResponseSchema>;
