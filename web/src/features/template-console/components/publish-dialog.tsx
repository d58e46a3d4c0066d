import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/dialog';
import { ErrorBanner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { usePublishDraft, ZPublishRequestSchema, type DraftView } from '../api/console-api';

const PublishFormSchema = ZPublishRequestSchema.pick({ changeNote: true });

/** Publishing asks for the change note tenants will read next to the upgrade; the request schema is the server's. */
export function PublishDialog({ draft, onClose, onPublished }: { draft: DraftView; onClose: () => void; onPublished: (version: string, slug: string) => void }) {
  const { t } = useTranslation();
  const publish = usePublishDraft();
  const form = useForm({ resolver: zodResolver(PublishFormSchema), defaultValues: { changeNote: '' } });
  const submit = form.handleSubmit((values) =>
    publish.mutate({ draftId: draft.draftId, changeNote: values.changeNote }, { onSuccess: (result) => onPublished(result.version, result.slug) }),
  );
  const error = form.formState.errors.changeNote?.message;
  const failure = publish.error ? toUserError(publish.error) : null;
  return (
    <Dialog
      open
      onClose={onClose}
      onSubmit={(event) => void submit(event)}
      title={t('templateConsole.publishTitle', { name: draft.name ?? '', version: draft.version ?? '' })}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={publish.isPending} data-testid="confirm-publish">
            {t('templateConsole.publishAction')}
          </button>
        </>
      }
    >
      <p className="muted">{t('templateConsole.publishHint')}</p>
      <label className="field">
        <span className="field-label">{t('templateConsole.changeNote')}</span>
        <textarea rows={4} {...form.register('changeNote')} data-testid="change-note" aria-invalid={error ? true : undefined} />
        {error ? <span className="field-error">{error}</span> : null}
      </label>
      {failure ? <ErrorBanner message={failure.message} details={failure.issues.map((issue) => `${issue.path}: ${issue.message}`)} /> : null}
    </Dialog>
  );
}
