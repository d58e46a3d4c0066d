import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '@crm/api';
import * as wf from '@crm/api/workflow-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

/**
 * The workflow callables with the server's own request and response schemas:
 * requests are checked before they leave, answers are parsed before they render.
 */
const WORKFLOW_CALLABLES = {
  crmListWorkflows: { request: wf.ZListWorkflowsRequestSchema, response: wf.ZListWorkflowsResponseSchema },
  crmSaveWorkflow: { request: wf.ZSaveWorkflowRequestSchema, response: wf.ZWorkflowResponseSchema },
  crmSetWorkflowActive: { request: wf.ZSetWorkflowActiveRequestSchema, response: wf.ZWorkflowResponseSchema },
  crmReorderWorkflows: { request: wf.ZReorderWorkflowsRequestSchema, response: wf.ZListWorkflowsResponseSchema },
  crmDeleteWorkflow: { request: wf.ZDeleteWorkflowRequestSchema, response: wf.ZDeleteWorkflowResponseSchema },
  crmListWorkflowRuns: { request: wf.ZListWorkflowRunsRequestSchema, response: wf.ZListWorkflowRunsResponseSchema },
  crmTestWorkflow: { request: wf.ZTestWorkflowRequestSchema, response: wf.ZTestWorkflowResponseSchema },
  crmListOutbox: { request: wf.ZListOutboxRequestSchema, response: wf.ZListOutboxResponseSchema },
  crmListTasks: { request: wf.ZListTasksRequestSchema, response: wf.ZListTasksResponseSchema },
  crmSetTaskStatus: { request: wf.ZSetTaskStatusRequestSchema, response: wf.ZTaskResponseSchema },
  // Record pickers (choose a record to preview or test against).
  crmListRecords: { request: api.ZListRecordsRequestSchema, response: api.ZListRecordsResponseSchema },
  crmGetRecord: { request: api.ZGetRecordRequestSchema, response: api.ZRecordResponseSchema },
} as const;


const call = createCaller(WORKFLOW_CALLABLES);

export type TWorkflowView = wf.TWorkflowView;
export type TWorkflowRunView = wf.TWorkflowRunView;
export type TActionOutcome = wf.TActionOutcome;
export type TTestWorkflowResponse = wf.TTestWorkflowResponse;
export type TMailView = wf.TMailView;
export type TTaskView = wf.TTaskView;

const root = (tenantId: string) => ['crm', tenantId, 'workflows'] as const;
const keys = {
  list: (tenantId: string, module?: string) => [...root(tenantId), 'list', module ?? '*'] as const,
  runs: (tenantId: string, by: { workflowId?: string; recordId?: string }) => [...root(tenantId), 'runs', by] as const,
  outbox: (tenantId: string) => [...root(tenantId), 'outbox'] as const,
  tasks: (tenantId: string, by: { recordId?: string; assignee?: 'me' | 'all' }) => [...root(tenantId), 'tasks', by] as const,
};

export function useWorkflows(tenantId: string, module?: string, enabled = true) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.list(tenantId, module),
    enabled,
    queryFn: async () => (await call(functions, 'crmListWorkflows', { tenantId, ...(module ? { module } : {}) })).workflows,
  });
}

/** Every change to definitions refreshes all workflow lists (per module and tenant-wide). */
function useInvalidateLists(tenantId: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: [...root(tenantId), 'list'] });
}

export function useSaveWorkflow(tenantId: string) {
  const { functions } = useBackend();
  const invalidate = useInvalidateLists(tenantId);
  return useMutation({
    mutationFn: async (input: { workflowId?: string; module: string; definition: Record<string, unknown> }) =>
      (await call(functions, 'crmSaveWorkflow', { tenantId, module: input.module, definition: input.definition, ...(input.workflowId ? { workflowId: input.workflowId } : {}) }))
        .workflow,
    onSuccess: invalidate,
  });
}

export function useSetWorkflowActive(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  const invalidate = useInvalidateLists(tenantId);
  return useMutation({
    mutationFn: async (input: { workflowId: string; active: boolean }) => (await call(functions, 'crmSetWorkflowActive', { tenantId, ...input })).workflow,
    onSuccess: async (saved) => {
      // The switch keeps its new position while the lists refetch.
      client.setQueriesData<TWorkflowView[]>({ queryKey: [...root(tenantId), 'list'] }, (old) => old?.map((workflow) => (workflow.id === saved.id ? saved : workflow)));
      await invalidate();
    },
  });
}

export function useReorderWorkflows(tenantId: string) {
  const { functions } = useBackend();
  const invalidate = useInvalidateLists(tenantId);
  return useMutation({
    mutationFn: async (input: { module: string; workflowIds: string[] }) => (await call(functions, 'crmReorderWorkflows', { tenantId, ...input })).workflows,
    onSuccess: invalidate,
  });
}

export function useDeleteWorkflow(tenantId: string) {
  const { functions } = useBackend();
  const invalidate = useInvalidateLists(tenantId);
  return useMutation({
    mutationFn: (workflowId: string) => call(functions, 'crmDeleteWorkflow', { tenantId, workflowId }),
    onSuccess: invalidate,
  });
}

const RUNS_PAGE = 25;

/** Newest runs first, a page at a time (the cursor is the last run's start). */
export function useWorkflowRuns(tenantId: string, by: { workflowId?: string; recordId?: string }, enabled = true) {
  const { functions } = useBackend();
  return useInfiniteQuery({
    queryKey: keys.runs(tenantId, by),
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (await call(functions, 'crmListWorkflowRuns', { tenantId, limit: RUNS_PAGE, ...by, ...(pageParam ? { before: pageParam } : {}) })).runs,
    getNextPageParam: (page) => (page.length === RUNS_PAGE ? (page[page.length - 1]?.startedAt ?? undefined) : undefined),
  });
}

export type TestInput =
  | { recordId: string; workflowId: string; previousData?: Record<string, unknown> }
  | { recordId: string; module: string; definition: Record<string, unknown>; previousData?: Record<string, unknown> };

/** Dry run: what the workflow would do for a record, nothing written. */
export function useTestWorkflow(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({ mutationFn: (input: TestInput) => call(functions, 'crmTestWorkflow', { tenantId, ...input }) });
}

export function useOutbox(tenantId: string, enabled = true) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.outbox(tenantId),
    enabled,
    queryFn: async () => (await call(functions, 'crmListOutbox', { tenantId, limit: 100 })).mails,
  });
}

export function useTasks(tenantId: string, by: { recordId?: string; assignee?: 'me' | 'all' }) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.tasks(tenantId, by),
    queryFn: async () => (await call(functions, 'crmListTasks', { tenantId, limit: 200, ...by })).tasks,
    placeholderData: keepPreviousData,
  });
}

export function useSetTaskStatus(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { taskId: string; status: 'open' | 'done' }) => (await call(functions, 'crmSetTaskStatus', { tenantId, ...input })).task,
    onSuccess: () => client.invalidateQueries({ queryKey: [...root(tenantId), 'tasks'] }),
  });
}

/** Records of a module for choosing one to preview or test against. */
export function useRecordChoices(tenantId: string, module: string, search: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...root(tenantId), 'record-choices', module, search],
    queryFn: async () =>
      (
        await call(functions, 'crmListRecords', {
          tenantId,
          module,
          pageSize: 20,
          sort: 'updated_at',
          direction: 'desc',
          ...(search.trim() !== '' ? { search: search.trim() } : {}),
        })
      ).records,
    placeholderData: keepPreviousData,
  });
}

/** Finds which module a record belongs to (mails carry only the record id). */
export function useRecordModule(tenantId: string, recordId: string | null, enabled: boolean) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: [...root(tenantId), 'record-module', recordId],
    enabled: enabled && recordId !== null,
    queryFn: async () => (await call(functions, 'crmGetRecord', { tenantId, recordId: recordId ?? '' })).record.module,
    staleTime: Infinity,
  });
}
