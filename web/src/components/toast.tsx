import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ToastInput {
  readonly message: string;
  readonly tone?: 'neutral' | 'danger';
  /** One action, typically Undo after a delete or a move. */
  readonly action?: { readonly label: string; readonly onAction: () => void };
}

interface Toast extends ToastInput {
  readonly id: number;
}

interface ToastApi {
  show(toast: ToastInput): void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** Long enough to read a sentence and reach Undo; hovering or focusing the toast pauses it. */
const TOAST_MS = 8000;

/**
 * Toasts: short notices in a polite live region, each with at most one action.
 * Ariakit has no toast, and this needs little: a list, a timer that pauses
 * while the pointer or focus is on the toast, and `role="status"`.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)), []);
  const api = useMemo<ToastApi>(
    () => ({
      show: (toast) => {
        const id = next.current++;
        // Newest last; keep three so a burst of moves cannot bury the page.
        setToasts((current) => [...current.slice(-2), { ...toast, id }]);
      },
    }),
    [],
  );
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toast-region" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} onDismiss={() => dismiss(toast.id)} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  const { t } = useTranslation();
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(onDismiss, TOAST_MS);
    return () => clearTimeout(timer);
  }, [paused, onDismiss]);
  return (
    <div
      className={`toast${toast.tone === 'danger' ? ' toast-danger' : ''}`}
      data-testid="toast"
      onPointerEnter={() => setPaused(true)}
      onPointerLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <span className="toast-message">{toast.message}</span>
      {toast.action ? (
        <button
          type="button"
          className="btn btn-link btn-sm toast-action"
          data-testid="toast-action"
          onClick={() => {
            toast.action?.onAction();
            onDismiss();
          }}
        >
          {toast.action.label}
        </button>
      ) : null}
      <button type="button" className="toast-close" aria-label={t('app.close')} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

/** The app's toasts; outside a provider (unit tests, an embed without one) toasts are dropped, never thrown. */
export function useToast(): ToastApi {
  return useContext(ToastContext) ?? NO_TOASTS;
}

const NO_TOASTS: ToastApi = { show: () => undefined };
