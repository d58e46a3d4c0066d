import { describe, expect, it } from 'vitest';
import { clampPosition, moveInGrid } from './grid-navigation';

const size = { rows: 5, cols: 4, page: 2 };

describe('moveInGrid', () => {
  it('moves one cell with the arrows and stops at the edges', () => {
    expect(moveInGrid({ row: 1, col: 1 }, 'ArrowDown', size)).toEqual({ row: 2, col: 1 });
    expect(moveInGrid({ row: 1, col: 1 }, 'ArrowRight', size)).toEqual({ row: 1, col: 2 });
    expect(moveInGrid({ row: 0, col: 0 }, 'ArrowUp', size)).toEqual({ row: 0, col: 0 });
    expect(moveInGrid({ row: 0, col: 0 }, 'ArrowLeft', size)).toEqual({ row: 0, col: 0 });
    expect(moveInGrid({ row: 4, col: 3 }, 'ArrowDown', size)).toEqual({ row: 4, col: 3 });
  });

  it('goes to the row ends with Home / End and to the grid corners with Ctrl', () => {
    expect(moveInGrid({ row: 2, col: 2 }, 'Home', size)).toEqual({ row: 2, col: 0 });
    expect(moveInGrid({ row: 2, col: 1 }, 'End', size)).toEqual({ row: 2, col: 3 });
    expect(moveInGrid({ row: 2, col: 2 }, 'Home', size, true)).toEqual({ row: 0, col: 0 });
    expect(moveInGrid({ row: 2, col: 2 }, 'End', size, true)).toEqual({ row: 4, col: 3 });
  });

  it('pages by a screenful', () => {
    expect(moveInGrid({ row: 3, col: 1 }, 'PageUp', size)).toEqual({ row: 1, col: 1 });
    expect(moveInGrid({ row: 3, col: 1 }, 'PageDown', size)).toEqual({ row: 4, col: 1 });
  });

  it('ignores other keys and empty grids', () => {
    expect(moveInGrid({ row: 1, col: 1 }, 'a', size)).toBeNull();
    expect(moveInGrid({ row: 0, col: 0 }, 'ArrowDown', { rows: 0, cols: 3 })).toBeNull();
  });
});

describe('clampPosition', () => {
  it('keeps the active cell inside a grid that shrank', () => {
    expect(clampPosition({ row: 9, col: 9 }, size)).toEqual({ row: 4, col: 3 });
    expect(clampPosition({ row: 3, col: 2 }, { rows: 0, cols: 0 })).toEqual({ row: 0, col: 0 });
  });
});
