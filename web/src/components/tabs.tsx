import { Tab, TabList, TabPanel, TabProvider } from '@ariakit/react';
import { useId, type ReactNode } from 'react';

export interface TabEntry {
  readonly id: string;
  readonly label: ReactNode;
  readonly testId?: string;
  readonly disabled?: boolean;
  /** Why a tab is disabled, on hover. */
  readonly title?: string;
}

/**
 * Tabs with roving focus (arrows move between tabs). Controlled: `selected`
 * comes from the caller (often the URL). With `children`, the selected tab's
 * panel is rendered and labelled by its tab; without, the tabs only switch a
 * view the caller renders.
 */
export function Tabs({
  tabs,
  selected,
  onSelect,
  label,
  children,
  className,
}: {
  tabs: readonly TabEntry[];
  selected: string;
  onSelect: (id: string) => void;
  label: string;
  children?: ReactNode;
  className?: string;
}) {
  // DOM ids must be unique on the page; callers' ids ("form", "json") are not.
  const prefix = useId();
  const domId = (id: string) => `${prefix}-${id}`;
  return (
    <TabProvider
      selectedId={domId(selected)}
      setSelectedId={(id) => {
        const tab = tabs.find((candidate) => domId(candidate.id) === id);
        if (tab) onSelect(tab.id);
      }}
    >
      <TabList className={`segmented${className ? ` ${className}` : ''}`} aria-label={label}>
        {tabs.map((tab) => (
          <Tab key={tab.id} id={domId(tab.id)} className={tab.id === selected ? 'active' : ''} data-testid={tab.testId} disabled={tab.disabled} title={tab.title}>
            {tab.label}
          </Tab>
        ))}
      </TabList>
      {children !== undefined ? (
        <TabPanel tabId={domId(selected)} className="tab-panel">
          {children}
        </TabPanel>
      ) : null}
    </TabProvider>
  );
}
