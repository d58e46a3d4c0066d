import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as manual from '@crm/api/manual-runs-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';
import { recordKey } from './records-api';

/** Manual workflows: listed for a module's record page and bulk bar, run on one record (bulk runs go through crmStartBulkAction). */
const MANUAL_RUN_CALLABLES = {
  crmListManualWorkflows: { request: manual.ZListManualWorkflowsRequestSchema, response: manual.ZListManualWorkflowsResponseSchema },
  crmRunWorkflow: { request: manual.ZRunWorkflowRequestSchema, response: manual.ZRunWorkflowResponseSchema },
} as const;
const callManual = createCaller(MANUAL_RUN_CALLABLES);

export function useManualWorkflows(tenantId: string, module: string, enabled: boolean) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: ['crm', tenantId, 'manual-workflows', module],
    enabled,
    queryFn: async () => (await callManual(functions, 'crmListManualWorkflows', { tenantId, module })).workflows,
    staleTime: 60_000,
  });
}

export function useRunWorkflow(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    // One id per click: a call retried by the transport answers the first run instead of running again.
    mutationFn: async ({ workflowId, recordId }: { workflowId: string; recordId: string }) =>
      callManual(functions, 'crmRunWorkflow', { tenantId, workflowId, recordId, runId: crypto.randomUUID() }),
    onSuccess: async (_answer, { recordId }) => {
      // The run may have changed the record (update_field) and added a run and a task (the workflows feature's cards).
      await Promise.all([
        client.invalidateQueries({ queryKey: recordKey(tenantId, recordId) }),
        client.invalidateQueries({ queryKey: ['crm', tenantId, 'workflows'] }),
      ]);
    },
  });
}
