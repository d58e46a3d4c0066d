import { describe, expect, it } from 'vitest';
import { isPaletteShortcut } from './command-palette';

describe('the palette shortcut', () => {
  const key = (overrides: Partial<KeyboardEvent>) => ({ key: 'k', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...overrides });
  it('is Ctrl+K or Cmd+K, not K alone or with other modifiers', () => {
    expect(isPaletteShortcut(key({ ctrlKey: true }))).toBe(true);
    expect(isPaletteShortcut(key({ metaKey: true, key: 'K' }))).toBe(true);
    expect(isPaletteShortcut(key({}))).toBe(false);
    expect(isPaletteShortcut(key({ ctrlKey: true, shiftKey: true }))).toBe(false);
  });
});
