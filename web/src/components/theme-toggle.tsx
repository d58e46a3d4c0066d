import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'crm-pro.theme';
const ORDER: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function storedTheme(): ThemeChoice {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/**
 * Applies a theme choice: `system` leaves the OS preference in charge
 * (`prefers-color-scheme` in app.css); light or dark pin it on <html>.
 */
export function applyTheme(choice: ThemeChoice): void {
  if (typeof document === 'undefined') return;
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

/** The choice after `choice` in the cycle system → light → dark. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length] ?? 'system';
}

/** Applies a choice and keeps it in this browser. */
export function chooseTheme(choice: ThemeChoice): void {
  applyTheme(choice);
  if (choice === 'system') globalThis.localStorage?.removeItem(STORAGE_KEY);
  else globalThis.localStorage?.setItem(STORAGE_KEY, choice);
}

/** Cycles system → light → dark; the choice is kept in this browser. */
export function ThemeToggle() {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  const nextChoice = nextTheme(choice);
  return (
    <button
      type="button"
      className="btn btn-ghost btn-sm btn-icon theme-toggle"
      data-testid="theme-toggle"
      aria-label={t('kit.theme.switch', { current: t(`kit.theme.${choice}`), next: t(`kit.theme.${nextChoice}`) })}
      title={t('kit.theme.switch', { current: t(`kit.theme.${choice}`), next: t(`kit.theme.${nextChoice}`) })}
      onClick={() => {
        setChoice(nextChoice);
        chooseTheme(nextChoice);
      }}
    >
      <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
        {choice === 'dark' ? (
          <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" />
        ) : choice === 'light' ? (
          <>
            <circle cx="12" cy="12" r="4" />
            <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
          </>
        ) : (
          <>
            <circle cx="12" cy="12" r="8" />
            <path d="M12 4a8 8 0 0 1 0 16z" fill="currentColor" />
          </>
        )}
      </svg>
    </button>
  );
}
