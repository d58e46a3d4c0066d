import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/dialog';
import { Spinner } from '../../../components/status-views';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useFindDuplicates, type TDuplicateMatch } from '../api/duplicates-api';


export interface CreateGuardProps {
  readonly module: string;
  readonly data: Record<string, unknown>;
  /** Save as it is. */
  readonly onConfirm: () => void;
  /** Back to the form. */
  readonly onCancel: () => void;
}

/**
 * Asked before a record is created: the server checks the module's duplicate
 * rules; no match saves straight away, matches are listed with links so the
 * user opens the existing record or creates anyway. A failed check never
 * blocks the save (the warning is advice, the server still enforces unique fields).
 */
export function DuplicateGuard({ module, data, onConfirm, onCancel }: CreateGuardProps) {
  const { t } = useTranslation();
  const session = useTenantSession();
  const find = useFindDuplicates(session.tenantId);
  const [matches, setMatches] = useState<TDuplicateMatch[] | null>(null);
  const { mutateAsync } = find;

  useEffect(() => {
    let live = true;
    mutateAsync({ module, data })
      .then((answer) => {
        if (!live) return;
        if (answer.matches.length === 0) onConfirm();
        else setMatches(answer.matches);
      })
      .catch(() => {
        if (live) onConfirm();
      });
    return () => {
      live = false;
    };
    // One check per save attempt: the guard is mounted for each.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (matches === null) return <Spinner />;
  return (
    <Dialog
      open
      onClose={onCancel}
      title={t('rollupsMerge.duplicates.warning.title', { count: matches.length })}
      testId="duplicate-warning"
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel} data-testid="duplicate-back">
            {t('rollupsMerge.duplicates.warning.back')}
          </button>
          <button type="button" className="btn btn-primary" onClick={onConfirm} data-testid="duplicate-create-anyway">
            {t('rollupsMerge.duplicates.warning.createAnyway')}
          </button>
        </>
      }
    >
      <p>{t('rollupsMerge.duplicates.warning.body')}</p>
      <ul className="duplicate-matches" data-testid="duplicate-matches">
        {matches.map((match) => (
          <li key={match.recordId}>
            <Link to={paths.record(session.tenantId, module, match.recordId)} target="_blank" rel="noreferrer" data-testid="duplicate-match">
              {match.display ?? match.number}
            </Link>{' '}
            <span className="muted small">
              {match.number} · {t('rollupsMerge.duplicates.warning.score', { percent: Math.round(match.score * 100) })}
            </span>
          </li>
        ))}
      </ul>
      {matches.length > 1 ? (
        <p className="muted small">
          <Link to={paths.mergeRecords(session.tenantId, module, matches.map((match) => match.recordId))}>{t('rollupsMerge.duplicates.warning.mergeThem')}</Link>
        </p>
      ) : null}
    </Dialog>
  );
}
