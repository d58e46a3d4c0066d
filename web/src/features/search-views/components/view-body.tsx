import type { ListViewSlotProps } from '../../../lib/list-view-state';
import { CalendarView } from './calendar-view';
import { GroupedRecords } from './grouped-records';

/** What the records page shows instead of its table for a calendar view or a grouped table. */
export function ViewBody(props: ListViewSlotProps) {
  if (props.state.type === 'calendar') return <CalendarView {...props} />;
  if (props.state.groupBy !== null) return <GroupedRecords {...props} />;
  return null;
}
