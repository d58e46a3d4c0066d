import { lazy, Suspense, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { ConfirmButton } from '../../../components/dialog';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { formatDate, formatDateTime, formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { permissionsFor, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useAddNote, useDeleteAttachment, useDeleteNote, useDownloadAttachment, useMembers, useTimeline, useUpdateNote, type TTimelineEntry } from '../api/timeline-api';
import type { NoteEditorHandle } from './note-editor';
import { NoteHtml } from './note-html';
import '../timeline.css';

// TipTap loads with the first editor shown, not with the record page.
const NoteEditor = lazy(async () => ({ default: (await import('./note-editor')).NoteEditor }));

type Person = { uid: string; name: string | null } | null;

/**
 * The record's activity on one list, newest first: changes (with who made
 * them, by name), workflow runs and the mails they sent, tasks, notes and
 * attachments; imports and merges when the history says so. Notes are
 * written here by whoever may update the record. `extraComposer` lets the
 * attachments uploader sit beside the note box.
 */
export function RecordTimeline({ module, record, extraComposer }: { module: TModuleConfigView; record: TRecordView; extraComposer?: ReactNode }) {
  const { t } = useTranslation();
  const session = useTenantSession();
  const { user } = useBackend();
  const timeline = useTimeline(session.tenantId, record.id);
  const scope = permissionsFor(session, module.slug).update;
  const canWrite = !record.deleted && (scope === 'all' || (scope === 'own' && record.ownerId === user.uid));
  const entries = timeline.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <section className="card tl-card" data-testid="timeline" aria-labelledby="timeline-title">
      <h2 className="card-title" id="timeline-title">{t('timeline.title')}</h2>
      {canWrite ? <NoteComposer recordId={record.id} /> : null}
      {extraComposer}
      {timeline.isPending ? <Spinner /> : null}
      {timeline.isError ? <ErrorBanner message={toUserError(timeline.error).message} onRetry={() => void timeline.refetch()} /> : null}
      {timeline.data && entries.length === 0 ? <p className="muted small">{t('timeline.empty')}</p> : null}
      <ol className="tl-list">
        {entries.map((entry) => (
          <TimelineItem key={`${entry.type}-${entry.id}`} entry={entry} module={module} recordId={record.id} />
        ))}
      </ol>
      {timeline.hasNextPage ? (
        <button type="button" className="btn btn-link btn-sm" onClick={() => void timeline.fetchNextPage()} disabled={timeline.isFetchingNextPage} data-testid="timeline-more">
          {t('timeline.loadOlder')}
        </button>
      ) : null}
    </section>
  );
}

function NoteComposer({ recordId }: { recordId: string }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const [open, setOpen] = useState(false);
  const members = useMembers(tenantId, open);
  const add = useAddNote(tenantId, recordId);
  const editor = useRef<NoteEditorHandle>(null);
  const [empty, setEmpty] = useState(false);
  const submit = () => {
    const html = editor.current?.getHtml() ?? '';
    if (html === '') {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    add.mutate(html, { onSuccess: () => editor.current?.clear() });
  };
  if (!open) {
    return (
      <button type="button" className="btn btn-ghost tl-open-composer" onClick={() => setOpen(true)} data-testid="add-note">
        {t('timeline.addNote')}
      </button>
    );
  }
  return (
    <div className="tl-composer">
      <Suspense fallback={<Spinner />}>
        <NoteEditor ref={editor} members={members.data ?? []} label={t('timeline.noteLabel')} onSubmit={submit} testId="note-editor" />
      </Suspense>
      {empty ? <p className="form-error small" role="alert">{t('timeline.noteEmpty')}</p> : null}
      {add.isError ? <p className="form-error small" role="alert">{toUserError(add.error).message}</p> : null}
      <div className="tl-composer-actions">
        <span className="muted small">{t('timeline.mentionHint')}</span>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(false)}>
          {t('app.cancel')}
        </button>
        <button type="button" className="btn btn-primary btn-sm" onClick={submit} disabled={add.isPending} data-testid="save-note">
          {t('timeline.saveNote')}
        </button>
      </div>
    </div>
  );
}

function TimelineItem({ entry, module, recordId }: { entry: TTimelineEntry; module: TModuleConfigView; recordId: string }) {
  const { i18n } = useTranslation();
  return (
    <li className={`tl-item tl-${entry.type}`} data-testid={`timeline-${entry.type}`}>
      <span className="tl-dot" aria-hidden="true" />
      <div className="tl-body">
        {entry.type === 'note' ? <NoteItem entry={entry} recordId={recordId} /> : null}
        {entry.type === 'history' ? <HistoryItem entry={entry} module={module} /> : null}
        {entry.type === 'workflow_run' ? <RunItem entry={entry} /> : null}
        {entry.type === 'task' ? <TaskItem entry={entry} /> : null}
        {entry.type === 'attachment' ? <AttachmentItem entry={entry} recordId={recordId} /> : null}
        <time className="muted small tl-time" dateTime={entry.at}>
          {formatDateTime(entry.at, i18n.language)}
        </time>
      </div>
    </li>
  );
}

/** "You", the person's name, or "a teammate" when the host OS has no name for them. */
function usePersonName() {
  const { t } = useTranslation();
  const { user } = useBackend();
  return (person: Person): string => (person === null ? t('timeline.someone') : person.uid === user.uid ? t('timeline.you') : (person.name ?? t('timeline.teammate')));
}

function NoteItem({ entry, recordId }: { entry: Extract<TTimelineEntry, { type: 'note' }>; recordId: string }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const name = usePersonName();
  const [editing, setEditing] = useState(false);
  const members = useMembers(tenantId, editing);
  const update = useUpdateNote(tenantId, recordId);
  const remove = useDeleteNote(tenantId, recordId);
  const editor = useRef<NoteEditorHandle>(null);
  const save = () => {
    const html = editor.current?.getHtml() ?? '';
    if (html === '') return;
    update.mutate({ noteId: entry.id, html }, { onSuccess: () => setEditing(false) });
  };
  return (
    <div className="tl-note">
      <p className="small">
        <strong>{name(entry.author)}</strong> {t('timeline.noteAdded')}
        {entry.editedAt ? <span className="muted"> · {t('timeline.edited')}</span> : null}
      </p>
      {editing ? (
        <>
          <Suspense fallback={<Spinner />}>
            <NoteEditor ref={editor} members={members.data ?? []} initialHtml={entry.html} label={t('timeline.editNoteLabel')} onSubmit={save} testId="note-edit-editor" />
          </Suspense>
          {update.isError ? <p className="form-error small" role="alert">{toUserError(update.error).message}</p> : null}
          <div className="tl-composer-actions">
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(false)}>
              {t('app.cancel')}
            </button>
            <button type="button" className="btn btn-primary btn-sm" onClick={save} disabled={update.isPending}>
              {t('app.save')}
            </button>
          </div>
        </>
      ) : (
        <NoteHtml html={entry.html} testId="note-body" />
      )}
      {remove.isError ? <p className="form-error small" role="alert">{toUserError(remove.error).message}</p> : null}
      {!editing && (entry.canEdit || entry.canDelete) ? (
        <div className="tl-actions">
          {entry.canEdit ? (
            <button type="button" className="btn btn-link btn-sm" onClick={() => setEditing(true)}>
              {t('timeline.editNote')}
            </button>
          ) : null}
          {entry.canDelete ? (
            <ConfirmButton
              className="btn btn-link btn-sm tl-danger"
              title={t('timeline.deleteNoteTitle')}
              description={t('timeline.deleteNoteConfirm')}
              confirmLabel={t('timeline.deleteNote')}
              disabled={remove.isPending}
              onConfirm={() => remove.mutate(entry.id)}
            >
              {t('timeline.deleteNote')}
            </ConfirmButton>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function HistoryItem({ entry, module }: { entry: Extract<TTimelineEntry, { type: 'history' }>; module: TModuleConfigView }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const name = usePersonName();
  const fields = new Map(module.fields.map((field) => [field.key, field]));
  const yesNo = { yes: t('records.yes'), no: t('records.no') };
  const show = (key: string, value: unknown) => {
    const field = fields.get(key);
    if (value === null || value === undefined || value === '') return '—';
    // A relationship holds an id; the history keeps no name for it.
    if (field?.type === 'relationship') return t('timeline.linkedRecord');
    return field ? formatFieldValue(field, value, i18n.language, null, yesNo) || '—' : String(value);
  };
  const by = entry.byAutomation ? t('timeline.aWorkflow') : name(entry.by);
  const changes = entry.changes.filter((change) => change.field !== '_deleted');
  const source = entry.source;
  const kind = ['created', 'updated', 'deleted', 'restored'].includes(entry.kind) ? entry.kind : 'updated';
  return (
    <>
      <p className="small">
        <strong>{t(`timeline.history.${kind}`, { name: by })}</strong>
        {source?.kind === 'import' ? <span className="pill tl-pill">{t('timeline.viaImport')}</span> : null}
        {source?.kind === 'merge' ? <span className="pill tl-pill">{t('timeline.viaMerge')}</span> : null}
      </p>
      {kind === 'updated' && changes.length > 0 ? (
        <ul className="tl-changes">
          {changes.map((change) => {
            const field = fields.get(change.field);
            return (
              <li key={change.field} className="small">
                <span className="tl-field">{field ? label(field.label, field.key) : change.field}</span>{' '}
                <span className="muted">{show(change.field, change.from)}</span> → <span>{show(change.field, change.to)}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </>
  );
}

function RunItem({ entry }: { entry: Extract<TTimelineEntry, { type: 'workflow_run' }> }) {
  const { t, i18n } = useTranslation();
  const status = ['success', 'failed', 'skipped', 'partial', 'running'].includes(entry.status) ? entry.status : 'other';
  return (
    <>
      <p className="small">
        <strong>{t('timeline.workflowRan', { name: entry.workflowName })}</strong>{' '}
        <span className={`pill tl-pill tl-status-${status}`}>{t(`timeline.runStatus.${status}`)}</span>
        {entry.late ? (
          <span className="pill tl-pill tl-late" data-testid="run-late">
            {entry.plannedAt ? t('timeline.lateSince', { time: formatDateTime(entry.plannedAt, i18n.language) }) : t('timeline.late')}
          </span>
        ) : null}
      </p>
      {entry.mails.length > 0 ? (
        <ul className="tl-changes">
          {entry.mails.map((mail, index) => (
            <li key={index} className="small">
              {mail.to ? t('timeline.mailTo', { to: mail.to.join(', '), subject: mail.subject ?? '' }) : t('timeline.mailSent')}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function TaskItem({ entry }: { entry: Extract<TTimelineEntry, { type: 'task' }> }) {
  const { t, i18n } = useTranslation();
  const name = usePersonName();
  return (
    <p className="small">
      <strong>{t(entry.taskKind === 'mention' ? 'timeline.mentionTask' : 'timeline.task', { name: name(entry.assignee) })}</strong>{' '}
      {entry.taskKind === 'mention' ? null : <span>{entry.title} · </span>}
      <span className="muted">{t(entry.status === 'done' ? 'timeline.taskDone' : 'timeline.taskDue', { date: formatDate(entry.dueDate.slice(0, 10), i18n.language) })}</span>
    </p>
  );
}

function AttachmentItem({ entry, recordId }: { entry: Extract<TTimelineEntry, { type: 'attachment' }>; recordId: string }) {
  const { t, i18n } = useTranslation();
  const { tenantId } = useTenantSession();
  const name = usePersonName();
  const download = useDownloadAttachment(tenantId, recordId);
  const remove = useDeleteAttachment(tenantId, recordId);
  const error = download.error ?? remove.error;
  return (
    <>
      <p className="small">
        <strong>{t('timeline.attached', { name: name(entry.by) })}</strong>
      </p>
      <div className="tl-attachment-row">
        <button
          type="button"
          className="btn btn-link btn-sm"
          onClick={() => download.mutate(entry.id)}
          disabled={download.isPending}
          aria-label={t('timeline.download', { name: entry.fileName })}
          data-testid="attachment-download"
        >
          {entry.fileName}
        </button>
        <span className="muted small">{formatSize(entry.size, i18n.language, t)}</span>
        {entry.canDelete ? (
          <ConfirmButton
            className="btn btn-link btn-sm tl-danger"
            title={t('timeline.deleteAttachmentTitle')}
            description={t('timeline.deleteAttachmentConfirm')}
            confirmLabel={t('timeline.deleteAttachment')}
            disabled={remove.isPending}
            onConfirm={() => remove.mutate(entry.id)}
            testId="attachment-delete"
          >
            {t('timeline.deleteAttachment')}
          </ConfirmButton>
        ) : null}
      </div>
      {error ? <p className="form-error small" role="alert">{toUserError(error).message}</p> : null}
    </>
  );
}

export function formatSize(bytes: number, language: string, t: (key: string, options: Record<string, unknown>) => string): string {
  const number = (value: number) => new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value);
  if (bytes < 1024) return t('timeline.size.b', { size: number(bytes) });
  if (bytes < 1024 * 1024) return t('timeline.size.kb', { size: number(bytes / 1024) });
  return t('timeline.size.mb', { size: number(bytes / (1024 * 1024)) });
}
