/**
 * The records table is an ARIA grid: one cell is in the tab order (roving
 * tabindex), arrow keys move it, Home / End go to the row's ends, Ctrl+Home /
 * Ctrl+End to the first / last row, Page Up / Down by a screenful. Pure, so
 * the key map is tested without a browser.
 */
export interface GridPosition {
  readonly row: number;
  readonly col: number;
}

export interface GridSize {
  readonly rows: number;
  readonly cols: number;
  /** Rows in one screenful, for Page Up / Page Down. */
  readonly page?: number;
}

export function moveInGrid(position: GridPosition, key: string, size: GridSize, ctrl = false): GridPosition | null {
  if (size.rows === 0 || size.cols === 0) return null;
  const clamp = (row: number, col: number): GridPosition => ({
    row: Math.min(Math.max(row, 0), size.rows - 1),
    col: Math.min(Math.max(col, 0), size.cols - 1),
  });
  const { row, col } = position;
  const page = Math.max(1, size.page ?? 10);
  switch (key) {
    case 'ArrowUp':
      return clamp(row - 1, col);
    case 'ArrowDown':
      return clamp(row + 1, col);
    case 'ArrowLeft':
      return clamp(row, col - 1);
    case 'ArrowRight':
      return clamp(row, col + 1);
    case 'Home':
      return ctrl ? clamp(0, 0) : clamp(row, 0);
    case 'End':
      return ctrl ? clamp(size.rows - 1, size.cols - 1) : clamp(row, size.cols - 1);
    case 'PageUp':
      return clamp(row - page, col);
    case 'PageDown':
      return clamp(row + page, col);
    default:
      return null;
  }
}

/** A position kept valid while rows load or go (a filter, a reload). */
export function clampPosition(position: GridPosition, size: GridSize): GridPosition {
  return {
    row: Math.min(Math.max(position.row, 0), Math.max(size.rows - 1, 0)),
    col: Math.min(Math.max(position.col, 0), Math.max(size.cols - 1, 0)),
  };
}
