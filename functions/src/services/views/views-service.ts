import type { DocumentData, DocumentStore, Transaction } from '../../store/document-store.js';
import { canManageConfiguration, resolveAccessScope } from '../../engine/permissions/evaluate-permission.js';
import type { FieldDefinition } from '../../engine/template/template-schema.js';
import { ViewBodySchema, type TViewBody, VIEW_ROLES } from '../../engine/views/view-schema.js';
import type { Caller } from '../caller.js';
import { fieldAccessFor } from '../access/field-security.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, slotOf, type ResolvedModule, type TenantConfig } from '../config/tenant-config.js';
import { CRM_ERROR_CODES, CrmError, invalidInput, type FieldIssue } from '../errors.js';
import { crmPaths } from '../paths.js';
import { moduleNotFound } from '../records/records-service.js';
import { sanitizeView, SYSTEM_KEYS } from './sanitize-view.js';

/** Personal views per user and shared views per tenant: listing a module's views reads at most these. */
export const MAX_PERSONAL_VIEWS = 100;
export const MAX_SHARED_VIEWS = 200;

type ViewRole = (typeof VIEW_ROLES)[number];

/** A view as a caller gets it (api/search-schemas.ts SavedViewSchema is its wire form). */
export type TSavedView = TViewBody & {
  readonly id: string;
  readonly ownerId: string;
  readonly defaultForRoles: ViewRole[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Fields of the view dropped because the caller may not read them. */
  readonly dropped: string[];
  readonly editable: boolean;
};
interface Deps {
  readonly store: DocumentStore;
  readonly configs: ConfigStore;
  readonly now?: () => Date;
}

/** The stored document at crm_tenants/{t}/views/{id}: the body plus ownership. `shared` is the field the list query uses. */
interface StoredView extends TViewBody {
  readonly ownerId: string;
  readonly shared: boolean;
  readonly defaultForRoles: ViewRole[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const viewsPath = (tenantId: string) => `${crmPaths.tenant(tenantId)}/views`;
const viewPath = (tenantId: string, viewId: string) => `${viewsPath(tenantId)}/${viewId}`;

function parseStoredView(data: DocumentData): StoredView {
  // Stored documents are parsed at the boundary: a body from an older shape gets today's defaults.
  const body = ViewBodySchema.parse({
    module: data.module, name: data.name, visibility: data.visibility, roles: data.roles, type: data.type,
    kanbanField: data.kanbanField, calendarField: data.calendarField, calendarMode: data.calendarMode,
    filters: data.filters, search: data.search, columns: data.columns, sort: data.sort, groupBy: data.groupBy, pageSize: data.pageSize,
  });
  return {
    ...body,
    ownerId: String(data.ownerId),
    shared: data.shared === true,
    defaultForRoles: Array.isArray(data.defaultForRoles) ? (data.defaultForRoles.filter((role) => (VIEW_ROLES as readonly unknown[]).includes(role)) as ViewRole[]) : [],
    createdAt: data.createdAt instanceof Date ? data.createdAt : new Date(0),
    updatedAt: data.updatedAt instanceof Date ? data.updatedAt : new Date(0),
  };
}

function toWriteData(view: StoredView): DocumentData {
  const { createdAt, updatedAt, ...rest } = view;
  // The body is plain JSON (zod-parsed); the round trip drops undefined, which the store refuses.
  return { ...(JSON.parse(JSON.stringify(rest)) as DocumentData), createdAt, updatedAt };
}

/** Who may see a view: its owner; everyone for `tenant`; the listed roles; admins see every shared view (to manage them). */
function isVisible(caller: Caller, view: StoredView): boolean {
  if (view.ownerId === caller.uid && !view.shared) return true;
  if (!view.shared) return false;
  if (view.visibility === 'tenant' || canManageConfiguration(caller)) return true;
  return caller.role !== null && view.roles.includes(caller.role);
}

function isEditable(caller: Caller, view: StoredView): boolean {
  return view.shared ? canManageConfiguration(caller) : view.ownerId === caller.uid;
}

function readableModule(caller: Caller, config: TenantConfig, slug: string): ResolvedModule | null {
  const module = resolveModule(config, slug);
  if (!module) return null;
  return resolveAccessScope({ actor: caller, matrix: config.permissions, module: slug, action: 'read' }) === 'none' ? null : module;
}

/** Field-level read rights (field-level security): sanitizeView drops columns, filters and sorts on fields the caller may not read. */
export function canReadFieldFor(caller: Caller, config: TenantConfig, module: ResolvedModule): (field: FieldDefinition) => boolean {
  const access = fieldAccessFor(caller, config);
  return (field) => access.canRead(module.slug, field.key);
}

function toSavedView(caller: Caller, config: TenantConfig, id: string, view: StoredView, module: ResolvedModule): TSavedView {
  const { shared: _shared, ...rest } = view;
  const sanitized = sanitizeView(rest, module, canReadFieldFor(caller, config, module));
  return { ...sanitized, id, createdAt: view.createdAt.toISOString(), updatedAt: view.updatedAt.toISOString(), editable: isEditable(caller, view) };
}

/**
 * The views the caller may open (of one module, or all), each reduced to the
 * columns and filters they may read, and per module the default view of their
 * role. Two bounded single-field queries: their personal views and the
 * tenant's shared ones.
 */
export async function listViews(deps: Deps, caller: Caller, input: { module?: string | undefined }): Promise<{ views: TSavedView[]; defaults: Record<string, string> }> {
  const config = await deps.configs.require(caller.tenantId);
  const collection = viewsPath(caller.tenantId);
  const [personal, shared] = await Promise.all([
    deps.store.query({ collection, where: [{ field: 'ownerId', op: '==', value: caller.uid }], limit: MAX_PERSONAL_VIEWS + MAX_SHARED_VIEWS }),
    deps.store.query({ collection, where: [{ field: 'shared', op: '==', value: true }], limit: MAX_SHARED_VIEWS }),
  ]);
  const seen = new Set<string>();
  const views: TSavedView[] = [];
  const defaults: Record<string, string> = {};
  for (const doc of [...personal, ...shared]) {
    if (seen.has(doc.id)) continue;
    seen.add(doc.id);
    const view = parseStoredView(doc.data);
    if (input.module && view.module !== input.module) continue;
    if (!isVisible(caller, view)) continue;
    const module = readableModule(caller, config, view.module);
    if (!module) continue;
    views.push(toSavedView(caller, config, doc.id, view, module));
    if (caller.role !== null && view.shared && view.defaultForRoles.includes(caller.role)) defaults[view.module] = doc.id;
  }
  views.sort((a, b) => a.module.localeCompare(b.module) || Number(b.visibility === 'personal') - Number(a.visibility === 'personal') || a.name.localeCompare(b.name));
  return { views, defaults };
}

function forbiddenView(message: string, key: string): CrmError {
  return new CrmError(CRM_ERROR_CODES.forbidden, message, [], { messageKey: `searchViews.errors.${key}` });
}

function viewNotFound(): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, 'This view does not exist or is not visible to you.', [], { messageKey: 'searchViews.errors.viewNotFound' });
}

/** The view's references must be fields of its module, of a type that fits their use. */
function checkViewFields(view: TViewBody, module: ResolvedModule): void {
  const issues: FieldIssue[] = [];
  const fieldOf = (key: string) => module.fields.find((field) => field.key === key);
  const requireField = (path: string, key: string, types?: readonly string[]) => {
    if ((SYSTEM_KEYS as readonly string[]).includes(key) && !types) return;
    const field = fieldOf(key);
    if (!field) issues.push({ path, message: `"${key}" is not a field of this module` });
    else if (types && !types.includes(field.type)) issues.push({ path, message: `"${key}" must be a field of type ${types.join(' or ')}` });
  };
  view.columns.forEach((column, index) => requireField(`view.columns[${index}].key`, column.key));
  view.filters.forEach((filter, index) => {
    requireField(`view.filters[${index}].field`, filter.field, filter.op === 'relative' ? ['date', 'datetime'] : undefined);
  });
  if (view.sort && !(SYSTEM_KEYS as readonly string[]).includes(view.sort.key)) {
    requireField('view.sort.key', view.sort.key);
    if (fieldOf(view.sort.key) && !slotOf(module, view.sort.key)) issues.push({ path: 'view.sort.key', message: `"${view.sort.key}" is not indexed; only indexed fields sort across pages` });
  }
  if (view.groupBy) requireField('view.groupBy', view.groupBy, ['select']);
  if (view.kanbanField) requireField('view.kanbanField', view.kanbanField, ['select']);
  if (view.calendarField) requireField('view.calendarField', view.calendarField, ['date', 'datetime']);
  if (view.type === 'kanban' && !view.kanbanField) issues.push({ path: 'view.kanbanField', message: 'a kanban view needs a select field' });
  if (view.type === 'calendar' && !view.calendarField) issues.push({ path: 'view.calendarField', message: 'a calendar view needs a date field' });
  if (view.visibility === 'roles' && view.roles.length === 0) issues.push({ path: 'view.roles', message: 'name at least one role to share with' });
  if (issues.length > 0) throw invalidInput(issues);
}

/**
 * Creates (no `viewId`) or replaces a view. Members save personal views;
 * only admins share a view with the tenant or roles, or change a shared one.
 * Nothing is written unless every check passes (one transaction).
 */
export async function saveView(deps: Deps, caller: Caller, input: { viewId?: string | undefined; view: TViewBody }): Promise<TSavedView> {
  const config = await deps.configs.require(caller.tenantId);
  const module = resolveModule(config, input.view.module);
  if (!module) throw moduleNotFound(input.view.module);
  if (!readableModule(caller, config, module.slug)) throw forbiddenView('Your role may not read this module.', 'moduleForbidden');
  const shared = input.view.visibility !== 'personal';
  if (shared && !canManageConfiguration(caller)) throw forbiddenView('Only admins share views with the tenant or roles.', 'shareAdminsOnly');
  checkViewFields(input.view, module);
  const view: TViewBody = { ...input.view, roles: input.view.visibility === 'roles' ? [...new Set(input.view.roles)] : [] };
  const now = (deps.now ?? (() => new Date()))();
  const viewId = input.viewId ?? deps.store.newId();
  const path = viewPath(caller.tenantId, viewId);
  const stored = await deps.store.runTransaction(async (tx) => {
    const existing = await tx.get(path);
    let previous: StoredView | null = null;
    if (existing) {
      previous = parseStoredView(existing.data);
      if (!isVisible(caller, previous)) throw viewNotFound();
      if (!isEditable(caller, previous)) throw forbiddenView('Only admins change shared views; save it as a new view instead.', 'editSharedAdminsOnly');
      if (previous.module !== view.module) throw invalidInput([{ path: 'view.module', message: 'a view stays in its module; save it as a new view instead' }]);
    } else if (input.viewId) {
      throw viewNotFound();
    } else {
      await checkCap(tx, caller, shared);
    }
    const next: StoredView = {
      ...view,
      ownerId: previous?.ownerId ?? caller.uid,
      shared,
      // A view that stops being shared with a role stops being its default.
      defaultForRoles: shared ? (previous?.defaultForRoles ?? []).filter((role) => view.visibility === 'tenant' || view.roles.includes(role)) : [],
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    tx.set(path, toWriteData(next));
    return next;
  });
  return toSavedView(caller, config, viewId, stored, module);
}

async function checkCap(tx: Transaction, caller: Caller, shared: boolean): Promise<void> {
  const collection = viewsPath(caller.tenantId);
  const cap = shared ? MAX_SHARED_VIEWS : MAX_PERSONAL_VIEWS;
  const where = shared ? { field: 'shared', op: '==' as const, value: true } : { field: 'ownerId', op: '==' as const, value: caller.uid };
  const docs = await tx.query({ collection, where: [where], limit: cap + MAX_SHARED_VIEWS });
  const count = shared ? docs.length : docs.filter((doc) => doc.data.shared !== true).length;
  if (count >= cap) {
    throw new CrmError(CRM_ERROR_CODES.precondition, `At most ${cap} ${shared ? 'shared views per tenant' : 'personal views per user'}; delete one first.`, [], {
      messageKey: shared ? 'searchViews.errors.tooManyShared' : 'searchViews.errors.tooManyPersonal',
      params: { count: cap },
    });
  }
}

export async function deleteView(deps: Deps, caller: Caller, input: { viewId: string }): Promise<void> {
  const path = viewPath(caller.tenantId, input.viewId);
  await deps.store.runTransaction(async (tx) => {
    const existing = await tx.get(path);
    if (!existing) throw viewNotFound();
    const view = parseStoredView(existing.data);
    if (!isVisible(caller, view)) throw viewNotFound();
    if (!isEditable(caller, view)) throw forbiddenView('Only admins delete shared views.', 'editSharedAdminsOnly');
    tx.delete(path);
  });
}

/**
 * Makes a shared view the default of these roles in its module, taking the
 * role off the module's previous default (one transaction: every read first).
 */
export async function setDefaultView(deps: Deps, caller: Caller, input: { viewId: string; roles: readonly ViewRole[] }): Promise<TSavedView> {
  if (!canManageConfiguration(caller)) throw forbiddenView('Only admins set the default view of a role.', 'defaultAdminsOnly');
  const config = await deps.configs.require(caller.tenantId);
  const path = viewPath(caller.tenantId, input.viewId);
  const roles = [...new Set(input.roles)];
  const stored = await deps.store.runTransaction(async (tx) => {
    const existing = await tx.get(path);
    if (!existing) throw viewNotFound();
    const view = parseStoredView(existing.data);
    if (!isVisible(caller, view)) throw viewNotFound();
    if (!view.shared) throw invalidInput([{ path: 'viewId', message: 'share the view first: a personal view cannot be a role default' }]);
    const unseen = roles.filter((role) => view.visibility === 'roles' && !view.roles.includes(role));
    if (unseen.length > 0) throw invalidInput([{ path: 'roles', message: `the view is not shared with ${unseen.join(', ')}` }]);
    const others = roles.length === 0 ? [] : await tx.query({ collection: viewsPath(caller.tenantId), where: [{ field: 'defaultForRoles', op: 'array-contains-any', value: roles }], limit: MAX_SHARED_VIEWS });
    for (const other of others) {
      if (other.id === input.viewId || other.data.module !== view.module) continue;
      const remaining = (other.data.defaultForRoles as string[]).filter((role) => !roles.includes(role as ViewRole));
      tx.update(other.path, { defaultForRoles: remaining });
    }
    const next: StoredView = { ...view, defaultForRoles: roles };
    tx.update(path, { defaultForRoles: roles });
    return next;
  });
  const module = resolveModule(config, stored.module);
  if (!module) throw moduleNotFound(stored.module);
  return toSavedView(caller, config, input.viewId, stored, module);
}
