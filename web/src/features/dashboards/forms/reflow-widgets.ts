/** Below this container width the 12-column layout would squeeze widgets unreadably ("Act…"): reflow instead. */
export const REFLOW_BELOW = 900;
const TWO_COLUMNS_FROM = 560;

interface Placed {
  readonly id: string;
  readonly position: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

export interface ReflowedWidget {
  readonly id: string;
  /** 1, or 2 when the widget was wide (more than half the grid) in a two-column reflow. */
  readonly span: 1 | 2;
  /** The widget's height in grid rows, kept so a chart keeps room to draw. */
  readonly rows: number;
}

/** Columns of the reflowed dashboard for a container width: 12 (no reflow), 2 or 1. */
export function reflowColumns(width: number): 1 | 2 | 12 {
  if (width >= REFLOW_BELOW) return 12;
  return width >= TWO_COLUMNS_FROM ? 2 : 1;
}

/**
 * The widgets in reading order (top to bottom, then left to right, as the
 * admin arranged them) for a narrow screen: wide widgets take the full width
 * in two columns, every widget keeps its height.
 */
export function reflowWidgets(widgets: readonly Placed[], columns: 1 | 2): ReflowedWidget[] {
  return [...widgets]
    .sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x)
    .map((widget) => ({ id: widget.id, span: columns === 2 && widget.position.w > 6 ? 2 : 1, rows: widget.position.h }));
}
