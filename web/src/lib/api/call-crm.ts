import { httpsCallable, type Functions } from 'firebase/functions';
import type { z } from 'zod';
import * as api from '@crm/api';
import { ConnectionError, isTransportFailure } from './connection-error';
import { ClientValidationError } from './to-user-error';
import { withPreview } from './preview-role';

/**
 * Request and response schema of every callable, from the server's own
 * schema module: requests are checked before they leave (same messages as the
 * server), responses are parsed so the UI never renders a shape it did not expect.
 */
export const CRM_CALLABLES = {
  crmListMyTenants: { request: api.ZListMyTenantsRequestSchema, response: api.ZListMyTenantsResponseSchema },
  crmBootstrap: { request: api.ZBootstrapRequestSchema, response: api.ZBootstrapResponseSchema },
  crmListTemplates: { request: api.ZListTemplatesRequestSchema, response: api.ZListTemplatesResponseSchema },
  crmSelectTemplate: { request: api.ZSelectTemplateRequestSchema, response: api.ZConfigResponseSchema },
  crmUpdateTenantSettings: { request: api.ZUpdateTenantSettingsRequestSchema, response: api.ZConfigResponseSchema },
  crmAddField: { request: api.ZAddFieldRequestSchema, response: api.ZConfigResponseSchema },
  crmUpdateField: { request: api.ZUpdateFieldRequestSchema, response: api.ZConfigResponseSchema },
  crmReorderFields: { request: api.ZReorderFieldsRequestSchema, response: api.ZConfigResponseSchema },
  crmDeactivateField: { request: api.ZDeactivateFieldRequestSchema, response: api.ZConfigResponseSchema },
  crmCreateModule: { request: api.ZCreateModuleRequestSchema, response: api.ZConfigResponseSchema },
  crmCreateRecord: { request: api.ZCreateRecordRequestSchema, response: api.ZRecordResponseSchema },
  crmGetRecord: { request: api.ZGetRecordRequestSchema, response: api.ZRecordResponseSchema },
  crmUpdateRecord: { request: api.ZUpdateRecordRequestSchema, response: api.ZRecordResponseSchema },
  crmDeleteRecord: { request: api.ZDeleteRecordRequestSchema, response: api.ZRecordResponseSchema },
  crmRestoreRecord: { request: api.ZRestoreRecordRequestSchema, response: api.ZRecordResponseSchema },
  crmListRecords: { request: api.ZListRecordsRequestSchema, response: api.ZListRecordsResponseSchema },
} as const;

export type CrmCallableName = keyof typeof CRM_CALLABLES;
export type CrmRequest<N extends CrmCallableName> = CallableRequest<typeof CRM_CALLABLES, N>;
export type CrmResponse<N extends CrmCallableName> = CallableResponse<typeof CRM_CALLABLES, N>;

/** A table of callables by name; features keep their own so their schemas load with their routes. */
export type CallableTable = Readonly<Record<string, { readonly request: z.ZodType; readonly response: z.ZodType }>>;
export type CallableRequest<T extends CallableTable, N extends keyof T> = z.input<T[N]['request']>;
export type CallableResponse<T extends CallableTable, N extends keyof T> = z.output<T[N]['response']>;

/** A typed caller for a table: the request is checked before it leaves, the answer parsed before it renders. */
export function createCaller<T extends CallableTable>(table: T) {
  return async function call<N extends keyof T & string>(
    functions: Functions,
    name: N,
    request: CallableRequest<T, N>,
  ): Promise<CallableResponse<T, N>> {
    const spec = table[name] as T[N];
    const checked = spec.request.safeParse(request);
    if (!checked.success) throw ClientValidationError.fromZod(checked.error);
    const result = await httpsCallable(functions, name)(withPreview(checked.data)).catch((error: unknown) => {
      throw isTransportFailure(error) ? new ConnectionError(error) : error;
    });
    return spec.response.parse(result.data) as CallableResponse<T, N>;
  };
}

export const callCrm = createCaller(CRM_CALLABLES);
