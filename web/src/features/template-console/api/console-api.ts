import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '@crm/api/template-schemas.js';
import { createCaller, type CallableRequest } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

/**
 * The console callables with the server's own schemas (checked before a
 * request leaves, parsed before an answer renders). The server refuses
 * anyone without a platform role; this page only shows what it says.
 */
const CONSOLE_CALLABLES = {
  crmConsoleListTemplates: { request: api.ZConsoleListTemplatesRequestSchema, response: api.ZConsoleListTemplatesResponseSchema },
  crmConsoleGetTemplate: { request: api.ZConsoleGetTemplateRequestSchema, response: api.ZConsoleGetTemplateResponseSchema },
  crmConsoleSaveDraft: { request: api.ZConsoleSaveDraftRequestSchema, response: api.ZDraftResponseSchema },
  crmConsoleCloneTemplate: { request: api.ZConsoleCloneTemplateRequestSchema, response: api.ZDraftResponseSchema },
  crmConsolePublishDraft: { request: api.ZConsolePublishDraftRequestSchema, response: api.ZConsolePublishDraftResponseSchema },
  crmConsoleSetTemplateActive: { request: api.ZConsoleSetTemplateActiveRequestSchema, response: api.ZConsoleSetTemplateActiveResponseSchema },
  crmConsoleDeleteTemplate: { request: api.ZConsoleDeleteTemplateRequestSchema, response: api.ZOkResponseSchema },
  crmConsoleMigrationStatus: { request: api.ZConsoleMigrationStatusRequestSchema, response: api.ZConsoleMigrationStatusResponseSchema },
} as const;

type Request<N extends keyof typeof CONSOLE_CALLABLES> = CallableRequest<typeof CONSOLE_CALLABLES, N>;

const callConsole = createCaller(CONSOLE_CALLABLES);

export type TemplateRow = api.TConsoleListTemplatesResponse['templates'][number];
export type DraftView = api.TDraftView;
export type PublishedTemplate = NonNullable<api.TConsoleGetTemplateResponse['published']>;
export type MigrationJobView = api.TMigrationJobView;
export type UpgradeChange = api.TUpgradeChange;
export const ZPublishRequestSchema = api.ZConsolePublishDraftRequestSchema;
export const ZCloneRequestSchema = api.ZConsoleCloneTemplateRequestSchema;

const root = ['crm', 'console'] as const;
const keys = {
  list: [...root, 'templates'] as const,
  template: (slug: string, version?: string) => [...root, 'template', slug, version ?? 'latest'] as const,
  draft: (draftId: string) => [...root, 'draft', draftId] as const,
  migrations: [...root, 'migrations'] as const,
};

export function useConsoleTemplates() {
  const { functions } = useBackend();
  return useQuery({ queryKey: keys.list, queryFn: async () => (await callConsole(functions, 'crmConsoleListTemplates', {})).templates });
}

export function useConsoleTemplate(slug: string, version?: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.template(slug, version),
    queryFn: async () => {
      const { published } = await callConsole(functions, 'crmConsoleGetTemplate', { slug, ...(version ? { version } : {}) });
      if (!published) throw new Error(`There is no template "${slug}".`);
      return published;
    },
  });
}

export function useDraft(draftId: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.draft(draftId),
    queryFn: async () => {
      const { draft } = await callConsole(functions, 'crmConsoleGetTemplate', { draftId });
      if (!draft) throw new Error('There is no such draft.');
      return draft;
    },
    staleTime: Infinity,
  });
}

export function useRunningMigrations() {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.migrations,
    queryFn: async () => (await callConsole(functions, 'crmConsoleMigrationStatus', {})).migrations,
    refetchInterval: 10_000,
  });
}

/** Starts a draft (blank, from a published version, or a clone); the caller opens it. */
export function useStartDraft() {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (
      input:
        | { kind: 'blank'; template: Record<string, unknown> }
        | { kind: 'from'; slug: string; version?: string }
        | { kind: 'clone'; slug: string; version?: string; newSlug: string; name?: string },
    ) => {
      if (input.kind === 'blank') return (await callConsole(functions, 'crmConsoleSaveDraft', { template: input.template })).draft;
      if (input.kind === 'from') {
        return (await callConsole(functions, 'crmConsoleSaveDraft', { fromSlug: input.slug, ...(input.version ? { fromVersion: input.version } : {}) })).draft;
      }
      const { kind: _kind, ...clone } = input;
      return (await callConsole(functions, 'crmConsoleCloneTemplate', clone)).draft;
    },
    onSuccess: async (draft) => {
      client.setQueryData(keys.draft(draft.draftId), draft);
      await client.invalidateQueries({ queryKey: keys.list });
    },
  });
}

export function useSaveDraft(draftId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (template: Record<string, unknown>) => (await callConsole(functions, 'crmConsoleSaveDraft', { draftId, template })).draft,
    onSuccess: async (draft) => {
      client.setQueryData(keys.draft(draftId), draft);
      await client.invalidateQueries({ queryKey: keys.list });
    },
  });
}

export function usePublishDraft() {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: Request<'crmConsolePublishDraft'>) => callConsole(functions, 'crmConsolePublishDraft', input),
    // Publishing deletes the draft: refetching it (the editor is still on screen) would only log "no such draft".
    onSuccess: async () => client.invalidateQueries({ queryKey: root, predicate: (query) => query.queryKey[2] !== 'draft' }),
  });
}

export function useSetTemplateActive() {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: Request<'crmConsoleSetTemplateActive'>) => callConsole(functions, 'crmConsoleSetTemplateActive', input),
    onSuccess: async () => client.invalidateQueries({ queryKey: root }),
  });
}

export function useDeleteTemplate() {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: Request<'crmConsoleDeleteTemplate'>) => callConsole(functions, 'crmConsoleDeleteTemplate', input),
    onSuccess: async () => client.invalidateQueries({ queryKey: root }),
  });
}
