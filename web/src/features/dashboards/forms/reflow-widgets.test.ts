import { describe, expect, it } from 'vitest';
import { reflowColumns, reflowWidgets } from './reflow-widgets';

const buildWidget = (id: string, position: { x: number; y: number; w: number; h: number }) => ({ id, position });

describe('reflowColumns', () => {
  it('keeps the 12-column grid on a desktop and reflows to two, then one column', () => {
    expect(reflowColumns(1200)).toBe(12);
    expect(reflowColumns(900)).toBe(12);
    expect(reflowColumns(700)).toBe(2);
    expect(reflowColumns(390)).toBe(1);
  });
});

describe('reflowWidgets', () => {
  const widgets = [buildWidget('chart', { x: 0, y: 2, w: 12, h: 6 }), buildWidget('right', { x: 6, y: 0, w: 6, h: 2 }), buildWidget('left', { x: 0, y: 0, w: 6, h: 2 })];

  it('orders widgets top to bottom, then left to right', () => {
    expect(reflowWidgets(widgets, 1).map((widget) => widget.id)).toEqual(['left', 'right', 'chart']);
  });

  it('lets a wide widget span both columns and keeps every height', () => {
    expect(reflowWidgets(widgets, 2)).toEqual([
      { id: 'left', span: 1, rows: 2 },
      { id: 'right', span: 1, rows: 2 },
      { id: 'chart', span: 2, rows: 6 },
    ]);
    expect(reflowWidgets(widgets, 1).every((widget) => widget.span === 1)).toBe(true);
  });
});
