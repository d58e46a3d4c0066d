import { Dialog as AriakitDialog, DialogDescription, DialogHeading } from '@ariakit/react';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A modal dialog: Escape and the backdrop close it, focus stays inside while
 * it is open and returns to what opened it (Ariakit does the trapping and the
 * `aria-modal` bookkeeping, so no screen hand-rolls it again).
 * `onSubmit` makes the dialog a form, so Enter submits it.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  footer,
  onSubmit,
  className,
  testId,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
  className?: string;
  testId?: string;
}) {
  const body = (
    <>
      <DialogHeading className="dialog-title">{title}</DialogHeading>
      <div className="dialog-body">{children}</div>
      {footer ? <div className="dialog-actions">{footer}</div> : null}
    </>
  );
  return (
    <AriakitDialog
      open={open}
      onClose={onClose}
      className={`dialog${className ? ` ${className}` : ''}`}
      backdrop={<div className="dialog-backdrop" />}
      data-testid={testId}
      unmountOnHide
    >
      {onSubmit ? (
        <form className="dialog-form" onSubmit={onSubmit} noValidate>
          {body}
        </form>
      ) : (
        body
      )}
    </AriakitDialog>
  );
}

/**
 * A confirmation that interrupts (`role="alertdialog"`): focus starts on the
 * safe choice, Escape cancels. Replaces `window.confirm`, which cannot be
 * styled, translated consistently or tested without auto-accepting.
 */
export function AlertDialog({
  open,
  title,
  description,
  confirmLabel,
  onConfirm,
  onCancel,
  danger = true,
  busy = false,
  testId = 'alert-dialog',
}: {
  open: boolean;
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  danger?: boolean;
  busy?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <AriakitDialog
      open={open}
      onClose={onCancel}
      role="alertdialog"
      className="dialog dialog-alert"
      backdrop={<div className="dialog-backdrop" />}
      initialFocus={cancelRef}
      data-testid={testId}
      unmountOnHide
    >
      <DialogHeading className="dialog-title">{title}</DialogHeading>
      {description ? <DialogDescription className="dialog-body muted">{description}</DialogDescription> : null}
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" className="btn btn-ghost" onClick={onCancel} data-testid={`${testId}-cancel`}>
          {t('app.cancel')}
        </button>
        <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} onClick={onConfirm} disabled={busy} data-testid={`${testId}-confirm`}>
          {confirmLabel}
        </button>
      </div>
    </AriakitDialog>
  );
}

/**
 * A panel sliding in from the start edge (the sidebar on a phone): a modal
 * dialog, so Escape closes it and focus stays inside while it is open.
 */
export function Drawer({ open, onClose, label, children }: { open: boolean; onClose: () => void; label: string; children: ReactNode }) {
  return (
    <AriakitDialog open={open} onClose={onClose} className="drawer" aria-label={label} backdrop={<div className="dialog-backdrop" />} unmountOnHide data-testid="nav-drawer">
      {children}
    </AriakitDialog>
  );
}

/** A button that asks first, in an AlertDialog: for actions without an undo (deactivate, delete for good). */
export function ConfirmButton({
  children,
  className,
  disabled,
  testId,
  title,
  description,
  confirmLabel,
  onConfirm,
  skipConfirm = false,
}: {
  children: ReactNode;
  className: string;
  disabled?: boolean;
  testId?: string;
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  /** Acts at once (e.g. re-activating, which needs no second thought). */
  skipConfirm?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={className} disabled={disabled} data-testid={testId} onClick={() => (skipConfirm ? onConfirm() : setOpen(true))}>
        {children}
      </button>
      <AlertDialog
        open={open}
        title={title}
        description={description}
        confirmLabel={confirmLabel}
        onCancel={() => setOpen(false)}
        onConfirm={() => {
          setOpen(false);
          onConfirm();
        }}
      />
    </>
  );
}
