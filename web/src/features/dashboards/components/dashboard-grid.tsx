import { useMemo } from 'react';
import GridLayout, { useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import { useTranslation } from 'react-i18next';
import { GRID_COLUMNS, type Widget } from '@crm/engine/template/dashboard-schema.js';
import { useLabel } from '../../../lib/i18n/use-label';
import { reflowColumns, reflowWidgets } from '../forms/reflow-widgets';
import type { WidgetData } from '../api/dashboards-api';
import { WidgetBody } from './widget-view';

export const ROW_HEIGHT = 56;
const MARGIN = [16, 16] as const;

interface DashboardGridProps {
  readonly widgets: readonly Widget[];
  /** Figures by widget id; a widget without figures (new or changed while editing) shows a placeholder. */
  readonly data: ReadonlyMap<string, WidgetData>;
  readonly editing: boolean;
  readonly onLayoutChange?: (layout: Layout) => void;
  readonly onConfigure?: (widgetId: string) => void;
  readonly onRemove?: (widgetId: string) => void;
}

/**
 * The dashboard's 12-column grid: the same layout engine shows and edits it,
 * so what an admin arranges is exactly what viewers get. Dragging is by the
 * widget's title bar, resizing by its bottom-right corner.
 */
export function DashboardGrid({ widgets, data, editing, onLayoutChange, onConfigure, onRemove }: DashboardGridProps) {
  const { t } = useTranslation();
  const label = useLabel();
  const { width, containerRef, mounted } = useContainerWidth({ initialWidth: 1100 });
  const layout = useMemo<Layout>(
    () => widgets.map((widget) => ({ i: widget.id, ...widget.position, minW: 2, minH: 2, maxH: 24 })),
    [widgets],
  );
  const columns = reflowColumns(width);
  const widgetView = (widget: Widget) => (
    <>
      <div className="dash-widget-head">
        <h2 className={`dash-widget-title${editing ? ' dash-widget-drag' : ''}`}>{label(widget.title, widget.id)}</h2>
        {editing ? (
          <div className="dash-widget-tools">
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => onConfigure?.(widget.id)} data-testid={`configure-${widget.id}`}>
              {t('dashboards.configure')}
            </button>
            <button
              type="button"
              className="icon-btn"
              onClick={() => onRemove?.(widget.id)}
              aria-label={t('dashboards.removeWidget')}
              title={t('dashboards.removeWidget')}
              data-testid={`remove-${widget.id}`}
            >
              ×
            </button>
          </div>
        ) : null}
      </div>
      <div className="dash-widget-body">
        <WidgetBody widget={widget} data={data.get(widget.id)} interactive={!editing} />
      </div>
    </>
  );
  // On a narrow screen the arranged grid would cut widgets; show them in reading order instead (editing keeps the grid).
  if (mounted && columns !== 12 && !editing) {
    const byId = new Map(widgets.map((widget) => [widget.id, widget]));
    return (
      <div ref={containerRef} className={`dash-grid dash-reflow dash-reflow-${columns}`} data-testid="dashboard-grid">
        {reflowWidgets(widgets, columns).map(({ id, span, rows }) => {
          const widget = byId.get(id);
          if (!widget) return null;
          return (
            <div
              key={id}
              className={`dash-widget dash-widget-${widget.type}`}
              data-testid={`widget-${id}`}
              data-position={`${widget.position.x},${widget.position.y},${widget.position.w},${widget.position.h}`}
              style={{ gridColumn: `span ${span}`, minHeight: rows * ROW_HEIGHT + (rows - 1) * MARGIN[1] }}
            >
              {widgetView(widget)}
            </div>
          );
        })}
      </div>
    );
  }
  return (
    <div ref={containerRef} className={`dash-grid${editing ? ' is-editing' : ''}`} data-testid="dashboard-grid">
      {mounted ? (
        <GridLayout
          width={width}
          layout={layout}
          gridConfig={{ cols: GRID_COLUMNS, rowHeight: ROW_HEIGHT, margin: MARGIN, containerPadding: [0, 0] }}
          dragConfig={{ enabled: editing, handle: '.dash-widget-drag', cancel: '.dash-widget-tools' }}
          resizeConfig={{ enabled: editing, handles: ['se'] }}
          onLayoutChange={onLayoutChange}
        >
          {widgets.map((widget) => (
            <div
              key={widget.id}
              className={`dash-widget dash-widget-${widget.type}`}
              data-testid={`widget-${widget.id}`}
              data-position={`${widget.position.x},${widget.position.y},${widget.position.w},${widget.position.h}`}
            >
              {widgetView(widget)}
            </div>
          ))}
        </GridLayout>
      ) : null}
    </div>
  );
}
