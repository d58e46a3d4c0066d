import { fieldAccessFor } from '../access/field-security.js';
import type { DocumentData, OrderBy, QuerySpec, StoredDocument, StoreValue } from '../../store/document-store.js';
import { canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import { workflowPaths } from '../workflows/workflow-paths.js';
import type { MemberDirectory } from './member-directory.js';
import { asStoredNote } from './notes-service.js';
import { timelinePaths } from './timeline-paths.js';

export const DEFAULT_TIMELINE_PAGE = 20;
export const MAX_TIMELINE_PAGE = 50;

/**
 * The sources a record's timeline merges, each one query over one
 * collection, newest first. Entries of the same instant list in this order:
 * what a person wrote before what it caused (a note before its mention tasks).
 */
export const TIMELINE_SOURCES = ['notes', 'attachments', 'tasks', 'runs', 'history'] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

export interface Person {
  readonly uid: string;
  readonly name: string | null;
}

interface EntryBase {
  readonly id: string;
  /** ISO instant the entry is ordered by. */
  readonly at: string;
}

export type TimelineEntry =
  | (EntryBase & {
      readonly type: 'history';
      readonly kind: string;
      readonly by: Person | null;
      /** `automation:{workflowId}` writes: the workflow, not a person. */
      readonly byAutomation: boolean;
      readonly changes: Array<{ field: string; from: unknown; to: unknown }>;
      readonly version: number;
      /** Where a change came from when it was not an edit: `{ kind: 'import', jobId }`, `{ kind: 'merge', … }`. */
      readonly source: ({ kind: string } & Record<string, unknown>) | null;
    })
  | (EntryBase & {
      readonly type: 'workflow_run';
      readonly workflowId: string;
      readonly workflowName: string;
      readonly status: string;
      readonly eventKind: string;
      /** A scheduled run sent after its planned time (the system was down when it was due). */
      readonly late: boolean;
      readonly plannedAt: string | null;
      /** The mails it queued; recipients and subject only for owners and admins (members see that a mail went). */
      readonly mails: Array<{ to: string[] | null; subject: string | null }>;
    })
  | (EntryBase & {
      readonly type: 'task';
      readonly title: string;
      readonly dueDate: string;
      readonly status: string;
      readonly assignee: Person | null;
      readonly taskKind: string;
    })
  | (EntryBase & {
      readonly type: 'note';
      readonly html: string;
      readonly author: Person | null;
      readonly mentions: Person[];
      readonly editedAt: string | null;
      readonly canEdit: boolean;
      readonly canDelete: boolean;
    })
  | (EntryBase & {
      readonly type: 'attachment';
      readonly fileName: string;
      readonly size: number;
      readonly contentType: string;
      readonly by: Person | null;
      readonly canDelete: boolean;
    });

export interface ListTimelineInput {
  readonly recordId: string;
  readonly pageSize?: number | undefined;
  readonly cursor?: string | undefined;
}

/** Per source: the order values and path of the last entry handed out, null before the first, 'done' after the last. */
type SourcePosition = { readonly after: StoreValue[] } | null | 'done';
type Positions = Record<TimelineSource, SourcePosition>;

/**
 * A record's activity, newest first, one page per call: a k-way merge of
 * five queries (history by version, workflow runs by start, tasks, notes and
 * attachments by creation). Each source keeps its own position in the
 * cursor, so an entry is handed out exactly once even when sources
 * interleave; each fetches at most `pageSize + 1` documents, so a page costs
 * at most 5 × (pageSize + 1) document reads (105 at the default 20), plus
 * the record, plus one batched read of two OS documents per person named on
 * the page — whatever the record's age or activity.
 *
 * Whoever may read the record (`read` or `read_own`) sees its timeline; the
 * record is read through RecordsService.get, so "missing" and "not yours"
 * answer alike.
 */
export async function listTimeline(
  services: Services,
  members: MemberDirectory,
  caller: Caller,
  input: ListTimelineInput,
): Promise<{ entries: TimelineEntry[]; nextCursor: string | null }> {
  const record = await services.records.get(caller, input.recordId);
  const { tenantId } = caller;
  const pageSize = Math.min(input.pageSize ?? DEFAULT_TIMELINE_PAGE, MAX_TIMELINE_PAGE);
  const specs = sourceSpecs(tenantId, record.id);
  const positions = input.cursor ? decodeCursor(input.cursor, record.id, specs) : startPositions();

  const fetched = await Promise.all(
    TIMELINE_SOURCES.map(async (source) => {
      const position = positions[source];
      if (position === 'done') return { source, docs: [] as StoredDocument[] };
      const spec = specs[source];
      const docs = await services.store.query({ ...spec.query, ...(position ? { startAfter: position.after } : {}), limit: pageSize + 1 });
      return { source, docs };
    }),
  );

  const candidates = fetched.flatMap(({ source, docs }) => docs.map((doc, index) => ({ source, doc, index, time: specs[source].timeOf(doc.data) })));
  // Newest first; ties in a fixed order, so a page boundary inside a tie is stable.
  candidates.sort((a, b) => b.time - a.time || TIMELINE_SOURCES.indexOf(a.source) - TIMELINE_SOURCES.indexOf(b.source) || b.index - a.index);
  const page = candidates.slice(0, pageSize);

  const next: Positions = { ...positions };
  for (const { source, docs } of fetched) {
    if (positions[source] === 'done') continue;
    const taken = page.filter((candidate) => candidate.source === source);
    const last = taken[taken.length - 1];
    if (last) next[source] = { after: specs[source].cursorOf(last.doc) };
    // A source that returned fewer than it was asked for, all of them on this page, has nothing older.
    if (docs.length <= pageSize && taken.length === docs.length) next[source] = 'done';
  }
  const more = TIMELINE_SOURCES.some((source) => next[source] !== 'done');

  const admin = canManageConfiguration(caller);
  // Field-level security, as in the history list: a hidden field's before/after is dropped.
  const access = fieldAccessFor(caller, await services.configs.require(tenantId));
  const canRead = (field: string) => access.canRead(record.module, field);
  const uids = page.flatMap(({ source, doc }) => peopleOf(source, doc.data));
  const names = await members.namesOf(tenantId, uids);
  const person = (uid: unknown): Person | null => (typeof uid === 'string' && uid !== '' && !uid.includes(':') ? { uid, name: names.get(uid)?.name ?? null } : null);
  const entries = page.map(({ source, doc }) => toEntry(source, doc, { caller, admin, person, canRead }));
  return { entries, nextCursor: more ? encodeCursor(record.id, next) : null };
}

interface SourceSpec {
  readonly collection: string;
  readonly query: QuerySpec;
  readonly timeOf: (data: DocumentData) => number;
  readonly cursorOf: (doc: StoredDocument) => StoreValue[];
}

const NEWEST_FIRST = (field: string): OrderBy[] => [
  { field, direction: 'desc' },
  { field: '__name__', direction: 'desc' },
];

function sourceSpecs(tenantId: string, recordId: string): Record<TimelineSource, SourceSpec> {
  const byField = (field: string) => ({
    timeOf: (data: DocumentData) => millis(data[field]),
    cursorOf: (doc: StoredDocument) => [doc.data[field] ?? null, doc.path],
  });
  const history = crmPaths.recordHistory(tenantId, recordId);
  const notes = timelinePaths.notes(tenantId, recordId);
  const attachments = timelinePaths.attachments(tenantId, recordId);
  const runs = workflowPaths.logs(tenantId);
  const tasks = workflowPaths.tasks(tenantId);
  return {
    // By version, as the history list orders it: the commit order itself (see list-record-history.ts); `at` places it among the rest.
    history: { collection: history, query: { collection: history, orderBy: NEWEST_FIRST('version') }, timeOf: (data) => millis(data.at), cursorOf: (doc) => [doc.data.version ?? null, doc.path] },
    runs: { collection: runs, query: { collection: runs, where: [{ field: 'recordId', op: '==', value: recordId }], orderBy: NEWEST_FIRST('startedAt') }, ...byField('startedAt') },
    tasks: { collection: tasks, query: { collection: tasks, where: [{ field: 'recordId', op: '==', value: recordId }], orderBy: NEWEST_FIRST('createdAt') }, ...byField('createdAt') },
    notes: { collection: notes, query: { collection: notes, orderBy: NEWEST_FIRST('createdAt') }, ...byField('createdAt') },
    attachments: { collection: attachments, query: { collection: attachments, orderBy: NEWEST_FIRST('createdAt') }, ...byField('createdAt') },
  };
}

function startPositions(): Positions {
  return { notes: null, attachments: null, tasks: null, runs: null, history: null };
}

function millis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? 0 : parsed;
  }
  return 0;
}

function iso(value: unknown): string {
  return new Date(millis(value)).toISOString();
}

function peopleOf(source: TimelineSource, data: DocumentData): Array<string | null | undefined> {
  return rawPeopleOf(source, data).map((uid) => (typeof uid === 'string' ? uid : null));
}

function rawPeopleOf(source: TimelineSource, data: DocumentData): unknown[] {
  switch (source) {
    case 'history':
      return [data.by];
    case 'runs':
      return [];
    case 'tasks':
      return [data.assigneeId];
    case 'notes':
      return [data.authorId, ...(Array.isArray(data.mentions) ? data.mentions : [])];
    case 'attachments':
      return [data.uploadedBy];
  }
}

function toEntry(
  source: TimelineSource,
  doc: StoredDocument,
  context: { caller: Caller; admin: boolean; person: (uid: unknown) => Person | null; canRead: (field: string) => boolean },
): TimelineEntry {
  const { data } = doc;
  const { person } = context;
  switch (source) {
    case 'history':
      return {
        type: 'history',
        id: doc.id,
        at: iso(data.at),
        kind: String(data.kind ?? 'updated'),
        by: person(data.by),
        byAutomation: typeof data.by === 'string' && data.by.startsWith('automation:'),
        changes: Array.isArray(data.changes) ? data.changes.map(toChange).filter((change) => context.canRead(change.field)) : [],
        version: typeof data.version === 'number' ? data.version : 0,
        source: isPlainObject(data.source) && typeof data.source.kind === 'string' ? ({ ...data.source, kind: data.source.kind } as { kind: string } & Record<string, unknown>) : null,
      };
    case 'runs': {
      const actions = Array.isArray(data.actions) ? data.actions.filter(isPlainObject) : [];
      const mails = actions
        .filter((action) => action.type === 'send_email' && action.status === 'success')
        .map((action) => {
          const detail = isPlainObject(action.detail) ? action.detail : {};
          return context.admin
            ? { to: Array.isArray(detail.to) ? detail.to.map(String) : [], subject: typeof detail.subject === 'string' ? detail.subject : null }
            : { to: null, subject: null };
        });
      return {
        type: 'workflow_run',
        id: doc.id,
        at: iso(data.startedAt),
        workflowId: String(data.workflowId ?? ''),
        workflowName: String(data.workflowName ?? ''),
        status: String(data.status ?? ''),
        eventKind: String(data.eventKind ?? ''),
        late: data.late === true,
        plannedAt: data.plannedAt instanceof Date ? data.plannedAt.toISOString() : null,
        mails,
      };
    }
    case 'tasks':
      return {
        type: 'task',
        id: doc.id,
        at: iso(data.createdAt),
        title: String(data.title ?? ''),
        dueDate: String(data.dueDate ?? ''),
        status: String(data.status ?? 'open'),
        assignee: person(data.assigneeId),
        taskKind: typeof data.kind === 'string' ? data.kind : data.workflowId ? 'workflow' : 'manual',
      };
    case 'notes': {
      const note = asStoredNote(data);
      const mine = note.authorId === context.caller.uid;
      return {
        type: 'note',
        id: doc.id,
        at: note.createdAt.toISOString(),
        html: note.html,
        author: person(note.authorId),
        mentions: note.mentions.map((uid) => person(uid)).filter((p): p is Person => p !== null),
        editedAt: note.editedAt?.toISOString() ?? null,
        canEdit: mine,
        canDelete: mine || context.admin,
      };
    }
    case 'attachments':
      return {
        type: 'attachment',
        id: doc.id,
        at: iso(data.createdAt),
        fileName: String(data.fileName ?? ''),
        size: typeof data.size === 'number' ? data.size : 0,
        contentType: String(data.contentType ?? ''),
        by: person(data.uploadedBy),
        canDelete: data.uploadedBy === context.caller.uid || context.admin,
      };
  }
}

function isPlainObject(value: unknown): value is Record<string, StoreValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function toChange(value: StoreValue): { field: string; from: unknown; to: unknown } {
  const change = isPlainObject(value) ? value : {};
  return { field: String(change.field ?? ''), from: change.from ?? null, to: change.to ?? null };
}

// ---------------------------------------------------------------- cursor

const SOURCE_KEYS: Record<TimelineSource, string> = { history: 'h', runs: 'w', tasks: 't', notes: 'n', attachments: 'a' };

/** Opaque to clients; bound to one record: every position must be a document of that record's sources. */
function encodeCursor(recordId: string, positions: Positions): string {
  const s: Record<string, unknown> = {};
  for (const source of TIMELINE_SOURCES) {
    const position = positions[source];
    s[SOURCE_KEYS[source]] = position === 'done' ? 0 : position === null ? null : position.after.map((value) => (value instanceof Date ? { d: value.getTime() } : value));
  }
  return Buffer.from(JSON.stringify({ r: recordId, s })).toString('base64url');
}

function decodeCursor(cursor: string, recordId: string, specs: Record<TimelineSource, SourceSpec>): Positions {
  const invalid = () => invalidInput([{ path: 'cursor', message: "is not a cursor of this record's timeline; start again from the first page", messageKey: 'timeline.errors.badCursor' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isPlainObject(parsed) || parsed.r !== recordId || !isPlainObject(parsed.s)) throw invalid();
  const positions = startPositions();
  for (const source of TIMELINE_SOURCES) {
    const raw = (parsed.s as Record<string, unknown>)[SOURCE_KEYS[source]];
    if (raw === 0) positions[source] = 'done';
    else if (raw === null || raw === undefined) positions[source] = null;
    else {
      if (!Array.isArray(raw) || raw.length !== 2) throw invalid();
      const [value, path] = raw as [unknown, unknown];
      const collection = specs[source].collection;
      // The path must be a document of this source's collection: a cursor cannot point the query elsewhere.
      if (typeof path !== 'string' || !path.startsWith(`${collection}/`) || path.slice(collection.length + 1).includes('/')) throw invalid();
      const order = isPlainObject(value) && typeof value.d === 'number' ? new Date(value.d) : value;
      if (!(order instanceof Date) && typeof order !== 'number' && typeof order !== 'string' && order !== null) throw invalid();
      positions[source] = { after: [order as StoreValue, path] };
    }
  }
  return positions;
}
