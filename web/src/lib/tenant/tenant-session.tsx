import { createContext, useContext } from 'react';
import { useParams } from 'react-router';
import type { TBootstrapResponse, TConfigView, TModuleConfigView } from '@crm/api';

export type ModulePermissions = TBootstrapResponse['permissions'][string];

/** The tenant the user is working in, as `crmBootstrap` described it. */
export interface TenantSession {
  readonly tenantId: string;
  readonly bootstrap: TBootstrapResponse;
  /** Null until a template is selected. */
  readonly config: TConfigView | null;
}

const TenantSessionContext = createContext<TenantSession | null>(null);
export const TenantSessionProvider = TenantSessionContext.Provider;

export function useTenantSession(): TenantSession {
  const session = useContext(TenantSessionContext);
  if (!session) throw new Error('useTenantSession outside a tenant route');
  return session;
}

/** Nothing is allowed until the server says so: a module missing from the summary is `none` everywhere. */
const NO_ACCESS: ModulePermissions = { create: 'none', read: 'none', update: 'none', delete: 'none', export: 'none' };

export function permissionsFor(session: TenantSession, module: string): ModulePermissions {
  return session.bootstrap.permissions[module] ?? NO_ACCESS;
}

const NO_FIELDS: ReadonlySet<string> = new Set();

/**
 * Fields of a module the user may read but not write (their role's field
 * level is `read`). Hidden ones (`none`) are not in the configuration at all.
 * The server refuses writes to both anyway; this only keeps the UI honest.
 */
export function readOnlyFieldsOf(session: TenantSession, module: string): ReadonlySet<string> {
  const levels = session.bootstrap.fieldLevels?.[module];
  if (!levels) return NO_FIELDS;
  return new Set(Object.entries(levels).filter(([, level]) => level === 'read').map(([key]) => key));
}

export function findModule(session: TenantSession, slug: string | undefined): TModuleConfigView | undefined {
  return session.config?.modules.find((module) => module.slug === slug);
}

/** Modules in sidebar order: the template's `order`, then creation order. */
export function orderedModules(config: TConfigView | null): TModuleConfigView[] {
  if (!config) return [];
  return config.modules
    .map((module, index) => ({ module, index }))
    .sort((a, b) => (a.module.order ?? Number.MAX_SAFE_INTEGER) - (b.module.order ?? Number.MAX_SAFE_INTEGER) || a.index - b.index)
    .map(({ module }) => module);
}

/** Active fields in display order (the server keeps `order` in step with reorders). */
export function activeFields(module: TModuleConfigView): TModuleConfigView['fields'] {
  return orderedFields(module).filter((field) => field.active);
}

export function orderedFields(module: TModuleConfigView): TModuleConfigView['fields'] {
  return module.fields
    .map((field, index) => ({ field, index }))
    .sort((a, b) => (a.field.order ?? a.index) - (b.field.order ?? b.index) || a.index - b.index)
    .map(({ field }) => field);
}

/**
 * The module an admin page (`…/:module?`) is about: the one in the route, or
 * the first in sidebar order; with every module, for its module picker.
 */
export function useRouteModule(): { modules: TModuleConfigView[]; module: TModuleConfigView | undefined } {
  const session = useTenantSession();
  const { module: slug } = useParams();
  const modules = orderedModules(session.config);
  return { modules, module: findModule(session, slug) ?? modules[0] };
}
