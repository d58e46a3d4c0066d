import type { DocumentData, ReadOps, StoredDocument, Transaction } from '../../store/document-store.js';
import { canActOnRecord, canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import { dayFromToday } from '../../engine/workflows/evaluate-condition.js';
import { isValidTimeZone } from '../../engine/time/zoned-time.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { asStoredRecord, type StoredRecord } from '../records/record-model.js';
import { recordNotFound } from '../records/records-service.js';
import { workflowPaths } from '../workflows/workflow-paths.js';
import type { MemberDirectory } from './member-directory.js';
import { NOTE_HTML_MAX, NOTE_MENTIONS_MAX, sanitizeNoteHtml, type SanitizedNote } from './sanitize-note.js';
import { timelinePaths } from './timeline-paths.js';

/** A note as stored at `crm_tenants/{t}/records/{r}/notes/{id}`. */
export interface StoredNote {
  readonly html: string;
  readonly text: string;
  readonly mentions: string[];
  readonly authorId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Set by an edit; null for a note never edited. */
  readonly editedAt: Date | null;
}

export interface NoteView {
  readonly id: string;
  readonly recordId: string;
  readonly html: string;
  readonly text: string;
  readonly mentions: string[];
  readonly authorId: string;
  readonly createdAt: string;
  readonly editedAt: string | null;
}

/**
 * Notes on a record. Adding one is an update of the record in the
 * permission matrix's sense (`update`, or `update_own` on one's own record),
 * so a read-only member can follow a record without writing on it. Authors
 * edit and delete their notes; owners and admins may delete any note (not
 * edit: a note stays its author's words).
 *
 * A mention of a tenant member gives that member a task ("X mentioned you on
 * PAT-000001", due today in the tenant's zone) in the same transaction as the
 * note, so the "My tasks" page is the notification inbox and a mention is
 * never half written. Task ids are per (note, user): an edit mentioning the
 * same person again does not create a second task.
 */
export class NotesService {
  constructor(
    private readonly services: Services,
    private readonly members: MemberDirectory,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async add(caller: Caller, recordId: string, html: string): Promise<NoteView> {
    const config = await this.services.configs.require(caller.tenantId);
    const recordPath = crmPaths.record(caller.tenantId, recordId);
    const note = await this.clean(caller.tenantId, html);
    const noteId = this.services.store.newId();
    const now = this.now();
    const stored: StoredNote = { ...note, authorId: caller.uid, createdAt: now, updatedAt: now, editedAt: null };
    await this.services.store.runTransaction(async (tx) => {
      const record = await readRecord(tx, recordPath, caller, config);
      requireWritable(caller, config, record);
      const taskDocs = await readAll(tx, note.mentions.map((uid) => workflowPaths.task(caller.tenantId, mentionTaskId(noteId, uid))));
      tx.create(timelinePaths.note(caller.tenantId, recordId, noteId), toNoteData(stored));
      this.writeMentionTasks(tx, { caller, config, recordId, record, noteId, note, existing: taskDocs, at: now });
    });
    return toNoteView(recordId, noteId, stored);
  }

  async update(caller: Caller, recordId: string, noteId: string, html: string): Promise<NoteView> {
    const config = await this.services.configs.require(caller.tenantId);
    const recordPath = crmPaths.record(caller.tenantId, recordId);
    const notePath = timelinePaths.note(caller.tenantId, recordId, noteId);
    const note = await this.clean(caller.tenantId, html);
    return this.services.store.runTransaction(async (tx) => {
      const record = await readRecord(tx, recordPath, caller, config);
      const existing = await tx.get(notePath);
      if (!existing) throw noteNotFound();
      const current = asStoredNote(existing.data);
      if (current.authorId !== caller.uid) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only the author of a note can edit it.', [], { messageKey: 'timeline.errors.noteNotYours' });
      }
      if (record.deleted) throw recordInTrash(record);
      const added = note.mentions.filter((uid) => !current.mentions.includes(uid));
      const taskDocs = await readAll(tx, added.map((uid) => workflowPaths.task(caller.tenantId, mentionTaskId(noteId, uid))));
      const now = this.now();
      const next: StoredNote = { ...current, ...note, updatedAt: now, editedAt: now };
      tx.set(notePath, toNoteData(next));
      this.writeMentionTasks(tx, { caller, config, recordId, record, noteId, note: { ...note, mentions: added }, existing: taskDocs, at: now });
      return toNoteView(recordId, noteId, next);
    });
  }

  /** The author, or an owner or admin. Open mention tasks of the note go with it; done ones stay as done work. */
  async remove(caller: Caller, recordId: string, noteId: string): Promise<void> {
    const config = await this.services.configs.require(caller.tenantId);
    const recordPath = crmPaths.record(caller.tenantId, recordId);
    const notePath = timelinePaths.note(caller.tenantId, recordId, noteId);
    await this.services.store.runTransaction(async (tx) => {
      await readRecord(tx, recordPath, caller, config);
      const existing = await tx.get(notePath);
      if (!existing) throw noteNotFound();
      const current = asStoredNote(existing.data);
      if (current.authorId !== caller.uid && !canManageConfiguration(caller)) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only the author of a note, an owner or an admin can delete it.', [], {
          messageKey: 'timeline.errors.noteNotYours',
        });
      }
      const tasks = await readAll(tx, current.mentions.map((uid) => workflowPaths.task(caller.tenantId, mentionTaskId(noteId, uid))));
      tx.delete(notePath);
      for (const task of tasks) if (task && task.data.status === 'open') tx.delete(task.path);
    });
  }

  /** Sanitises, checks bounds and that every mention is an active member, and writes current names into the mentions. */
  private async clean(tenantId: string, html: string): Promise<SanitizedNote> {
    const first = await sanitizeNoteHtml(html);
    if (first.text === '') throw invalidInput([{ path: 'html', message: 'is empty', messageKey: 'timeline.errors.noteEmpty' }]);
    if (first.mentions.length > NOTE_MENTIONS_MAX) {
      throw invalidInput([{ path: 'html', message: `mentions more than ${NOTE_MENTIONS_MAX} people`, messageKey: 'timeline.errors.tooManyMentions', params: { max: NOTE_MENTIONS_MAX } }]);
    }
    const active = await this.members.activeMembers(tenantId, first.mentions);
    const strangers = first.mentions.filter((uid) => !active.has(uid));
    if (strangers.length > 0) {
      throw invalidInput([{ path: 'html', message: 'mentions someone who is not a member of this tenant', messageKey: 'timeline.errors.mentionNotMember' }]);
    }
    const names = await this.members.namesOf(tenantId, first.mentions);
    const note = await sanitizeNoteHtml(html, new Map([...names].map(([uid, member]) => [uid, member.name ?? uid])));
    if (note.html.length > NOTE_HTML_MAX) {
      throw invalidInput([{ path: 'html', message: `is too long (at most ${NOTE_HTML_MAX} characters of formatted text)`, messageKey: 'timeline.errors.noteTooLong', params: { max: NOTE_HTML_MAX } }]);
    }
    return note;
  }

  private writeMentionTasks(
    tx: Transaction,
    input: { caller: Caller; config: TenantConfig; recordId: string; record: StoredRecord; noteId: string; note: SanitizedNote; existing: Array<StoredDocument | null>; at: Date },
  ): void {
    const { caller, config, record, noteId, note } = input;
    const zone = config.timezone && isValidTimeZone(config.timezone) ? config.timezone : this.services.workflows.timeZone;
    const dueDate = dayFromToday(input.at, zone, 0);
    note.mentions.forEach((uid, index) => {
      // Mentioning oneself is a note to self, not a task; a task already there (mentioned, removed, mentioned again) stays as it is.
      if (uid === caller.uid || input.existing[index]) return;
      tx.create(workflowPaths.task(caller.tenantId, mentionTaskId(noteId, uid)), {
        title: `Mentioned on ${record.display ?? record.number}: ${note.text.slice(0, 120)}`,
        description: null,
        recordId: input.recordId,
        module: record.module,
        recordNumber: record.number,
        recordDisplay: record.display,
        assigneeId: uid,
        dueDate,
        status: 'open',
        workflowId: null,
        kind: 'mention',
        noteId,
        mentionedBy: caller.uid,
        excerpt: note.text.slice(0, 200),
        // The note's instant: the timeline lists the note, then what it caused.
        createdAt: input.at,
        completedAt: null,
      });
    });
  }
}

/** getAll of no paths is refused (as Firestore refuses it): none is simply nothing. */
async function readAll(reader: ReadOps, paths: readonly string[]): Promise<Array<StoredDocument | null>> {
  return paths.length === 0 ? [] : reader.getAll(paths);
}

export function mentionTaskId(noteId: string, uid: string): string {
  return `mention_${noteId}_${uid}`;
}

/** The record, if the caller may read it (the same not-found for "missing", "not yours" and "removed module"). */
async function readRecord(reader: ReadOps, path: string, caller: Caller, config: TenantConfig): Promise<StoredRecord> {
  const doc = await reader.get(path);
  const record = doc ? asStoredRecord(doc.data) : null;
  if (!record || !resolveModule(config, record.module)) throw recordNotFound();
  if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'read', ownerId: record.ownerId })) throw recordNotFound();
  return record;
}

function requireWritable(caller: Caller, config: TenantConfig, record: StoredRecord): void {
  if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'update', ownerId: record.ownerId })) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Your role may not add notes to this record.', [], { messageKey: 'timeline.errors.noteForbidden' });
  }
  if (record.deleted) throw recordInTrash(record);
}

function recordInTrash(record: StoredRecord): CrmError {
  return new CrmError(CRM_ERROR_CODES.precondition, `${record.number} is in the trash; restore it before editing.`, [], {
    messageKey: 'errors.record.inTrash',
    params: { number: record.number },
  });
}

function noteNotFound(): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, 'This note does not exist (it may have been deleted).', [], { messageKey: 'timeline.errors.noteNotFound' });
}

function toNoteData(note: StoredNote): DocumentData {
  return { html: note.html, text: note.text, mentions: note.mentions, authorId: note.authorId, createdAt: note.createdAt, updatedAt: note.updatedAt, editedAt: note.editedAt };
}

export function asStoredNote(data: DocumentData): StoredNote {
  return {
    html: typeof data.html === 'string' ? data.html : '',
    text: typeof data.text === 'string' ? data.text : '',
    mentions: Array.isArray(data.mentions) ? data.mentions.filter((uid): uid is string => typeof uid === 'string') : [],
    authorId: typeof data.authorId === 'string' ? data.authorId : '',
    createdAt: data.createdAt instanceof Date ? data.createdAt : new Date(0),
    updatedAt: data.updatedAt instanceof Date ? data.updatedAt : new Date(0),
    editedAt: data.editedAt instanceof Date ? data.editedAt : null,
  };
}

export function toNoteView(recordId: string, id: string, note: StoredNote): NoteView {
  return {
    id,
    recordId,
    html: note.html,
    text: note.text,
    mentions: note.mentions,
    authorId: note.authorId,
    createdAt: note.createdAt.toISOString(),
    editedAt: note.editedAt?.toISOString() ?? null,
  };
}
