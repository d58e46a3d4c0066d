import { Menu as AriakitMenu, MenuButton, MenuItem, MenuProvider } from '@ariakit/react';
import type { ReactNode } from 'react';

export interface MenuEntry {
  readonly label: string;
  readonly onSelect: () => void;
  readonly danger?: boolean;
  readonly disabled?: boolean;
  readonly testId?: string;
}

/** A button that opens a list of actions: arrows move, Enter runs, Escape closes (WAI-ARIA menu button). */
export function Menu({ label, children, entries, testId }: { label: string; children?: ReactNode; entries: readonly MenuEntry[]; testId?: string }) {
  return (
    <MenuProvider placement="bottom-end">
      <MenuButton className="btn btn-ghost btn-sm" aria-label={label} data-testid={testId}>
        {children ?? label}
      </MenuButton>
      <AriakitMenu className="menu" gutter={6}>
        {entries.map((entry) => (
          <MenuItem
            key={entry.label}
            className={`menu-item${entry.danger ? ' danger' : ''}`}
            onClick={entry.onSelect}
            disabled={entry.disabled}
            data-testid={entry.testId}
          >
            {entry.label}
          </MenuItem>
        ))}
      </AriakitMenu>
    </MenuProvider>
  );
}
