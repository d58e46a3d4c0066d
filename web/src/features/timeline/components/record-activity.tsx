import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { ATTACHMENT_MAX_BYTES, isAllowedAttachmentType } from '@crm/api/timeline-schemas.js';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { permissionsFor, useTenantSession } from '../../../lib/tenant/tenant-session';
import { UploadFailedError, useCreateTask, useMembers, useUploadAttachment } from '../api/timeline-api';
import { RecordTimeline } from './record-timeline';
import { todayIn } from '../../../lib/list-filters';

const MAX_MB = ATTACHMENT_MAX_BYTES / (1024 * 1024);

/** The record page's activity card (the app places it under the details): the timeline, its note box and the file uploader. */
export function RecordActivity({ module, record }: { module: TModuleConfigView; record: TRecordView }) {
  const session = useTenantSession();
  const { user } = useBackend();
  const scope = permissionsFor(session, module.slug).update;
  const canWrite = !record.deleted && (scope === 'all' || (scope === 'own' && record.ownerId === user.uid));
  return (
    <RecordTimeline
      module={module}
      record={record}
      extraComposer={
        canWrite ? (
          <>
            <AttachmentUploader recordId={record.id} />
            <TaskComposer recordId={record.id} />
          </>
        ) : null
      }
    />
  );
}

function AttachmentUploader({ recordId }: { recordId: string }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const upload = useUploadAttachment(tenantId, recordId);
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const choose = (file: File | undefined) => {
    if (!file) return;
    // Checked here to spare a useless upload; the server checks again (and the signed URL bounds the size).
    if (file.size > ATTACHMENT_MAX_BYTES) return setProblem(t('timeline.tooLarge', { name: file.name, max: MAX_MB }));
    if (!isAllowedAttachmentType(file.type)) return setProblem(t('timeline.typeNotAllowed', { name: file.name }));
    setProblem(null);
    upload.mutate(file, {
      onSettled: () => {
        if (input.current) input.current.value = '';
      },
    });
  };
  const failure = upload.error
    ? upload.error instanceof UploadFailedError
      ? t('timeline.uploadFailed', { name: upload.error.fileName })
      : toUserError(upload.error).message
    : null;
  return (
    <div className="tl-upload">
      <input
        id="attachment-input"
        ref={input}
        type="file"
        className="sr-only"
        onChange={(event) => choose(event.target.files?.[0])}
        disabled={upload.isPending}
        data-testid="attachment-input"
      />
      <label className="btn btn-ghost btn-sm" htmlFor="attachment-input">
        {t('timeline.attach')}
      </label>
      <span className="muted small">{upload.isPending && upload.variables ? t('timeline.uploading', { name: upload.variables.name }) : t('timeline.attachHint', { max: MAX_MB })}</span>
      {problem ?? failure ? <p className="form-error small" role="alert">{problem ?? failure}</p> : null}
    </div>
  );
}

function TaskComposer({ recordId }: { recordId: string }) {
  const { t } = useTranslation();
  const session = useTenantSession();
  const { user } = useBackend();
  const [open, setOpen] = useState(false);
  const members = useMembers(session.tenantId, open);
  const create = useCreateTask(session.tenantId, recordId);
  const [title, setTitle] = useState('');
  const [assigneeId, setAssigneeId] = useState(user.uid);
  const [dueDate, setDueDate] = useState(() => todayIn(session.config?.timezone));
  if (!open) {
    return (
      <button type="button" className="btn btn-ghost btn-sm tl-add-task" onClick={() => setOpen(true)} data-testid="add-task">
        {t('timeline.addTask')}
      </button>
    );
  }
  return (
    <form
      className="tl-task-form"
      data-testid="task-form"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({ title, assigneeId, dueDate }, { onSuccess: () => { setTitle(''); setOpen(false); } });
      }}
    >
      <label className="field">
        <span className="field-label">{t('timeline.taskTitle')}</span>
        <input value={title} onChange={(event) => setTitle(event.target.value)} required maxLength={200} data-testid="task-title" />
      </label>
      <label className="field">
        <span className="field-label">{t('timeline.taskAssignee')}</span>
        <select value={assigneeId} onChange={(event) => setAssigneeId(event.target.value)} data-testid="task-assignee">
          {(members.data ?? [{ uid: user.uid, name: null, email: null }]).map((member) => (
            <option key={member.uid} value={member.uid}>
              {member.uid === user.uid ? t('timeline.you') : (member.name ?? member.uid)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">{t('timeline.taskDueDate')}</span>
        <input type="date" value={dueDate} onChange={(event) => setDueDate(event.target.value)} required data-testid="task-due" />
      </label>
      {create.isError ? <p className="form-error small" role="alert">{toUserError(create.error).message}</p> : null}
      <div className="tl-composer-actions">
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(false)}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="btn btn-primary btn-sm" disabled={create.isPending} data-testid="save-task">
          {t('timeline.saveTask')}
        </button>
      </div>
    </form>
  );
}
