import { resolveIconName, type IconName } from '@crm/engine/template/icon-names.js';

/**
 * Template icons are names from one documented set (engine
 * `template/icon-names.ts`, listed in templates/README.md); the type makes
 * every name of the set map to a line icon here.
 */
const ICON_PATHS: Record<IconName, string> = {
  users: 'M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7M21 19v-1a4 4 0 0 0-3-3.9M15 3.1a3.5 3.5 0 0 1 0 6.8',
  user: 'M19 20v-1a5 5 0 0 0-5-5h-4a5 5 0 0 0-5 5v1M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8',
  calendar: 'M4 6h16v14H4zM4 10h16M8 3v4M16 3v4',
  stethoscope: 'M6 3v5a4 4 0 0 0 8 0V3M10 12v3a5 5 0 0 0 10 0v-2M20 13a2 2 0 1 0 0-4 2 2 0 0 0 0 4',
  doctor: 'M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8M5 21v-1a6 6 0 0 1 12 0v1M12 15v4M10 17h4',
  heart: 'M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z',
  home: 'M3 11l9-7 9 7v9H3zM9 20v-6h6v6',
  building: 'M5 21V4h10v17M15 9h4v12M8 8h4M8 12h4M8 16h4',
  briefcase: 'M4 8h16v12H4zM9 8V5h6v3M4 13h16',
  gem: 'M6 3h12l4 6-10 12L2 9zM2 9h20M9 3l3 18 3-18',
  diamond: 'M6 3h12l4 6-10 12L2 9zM2 9h20',
  ring: 'M12 21a7 7 0 1 0 0-14 7 7 0 0 0 0 14M9 3h6l-3 4z',
  file: 'M6 3h8l4 4v14H6zM14 3v4h4',
  'file-text': 'M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6',
  folder: 'M3 6h6l2 2h10v11H3z',
  scale: 'M12 4v16M5 20h14M4 10l3-6 3 6a3 3 0 0 1-6 0M14 10l3-6 3 6a3 3 0 0 1-6 0M7 4h10',
  gavel: 'M14 4l6 6M11 7l6 6M9 9l6 6M3 21l7-7',
  dollar: 'M12 2v20M17 6H9.5a3.5 3.5 0 0 0 0 7h5a3.5 3.5 0 0 1 0 7H6',
  'credit-card': 'M3 6h18v12H3zM3 10h18M7 15h3',
  receipt: 'M5 3h14v18l-3-2-2 2-2-2-2 2-2-2-3 2zM9 8h6M9 12h6',
  package: 'M3 7l9-4 9 4v10l-9 4-9-4zM3 7l9 4 9-4M12 11v10',
  box: 'M3 7l9-4 9 4v10l-9 4-9-4zM3 7l9 4 9-4M12 11v10',
  truck: 'M2 6h12v10H2zM14 10h4l3 3v3h-7M6 19a2 2 0 1 0 0-4 2 2 0 0 0 0 4M17 19a2 2 0 1 0 0-4 2 2 0 0 0 0 4',
  phone: 'M5 3h4l2 5-3 2a11 11 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2',
  mail: 'M3 5h18v14H3zM3 6l9 7 9-7',
  target: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10M12 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2',
  task: 'M9 11l3 3 8-8M20 12v7H4V5h11',
  'check-square': 'M9 11l3 3 8-8M20 12v7H4V5h11',
  clipboard: 'M8 4h8v3H8zM6 5H5v16h14V5h-1M9 12h6M9 16h6',
  pill: 'M10.5 20.5a5 5 0 0 1-7-7l10-10a5 5 0 0 1 7 7zM8.5 8.5l7 7',
  bed: 'M3 18V6M3 14h18v4M21 14v-3a3 3 0 0 0-3-3h-7v6M7 11a2 2 0 1 0 0-.01',
  key: 'M15 7a4 4 0 1 1-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0 1 15 7',
  map: 'M9 4l-6 2v14l6-2 6 2 6-2V4l-6 2zM9 4v14M15 6v14',
  tag: 'M3 12V3h9l9 9-9 9zM7.5 7.5h.01',
  star: 'M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z',
  chart: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  settings: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6M19 12a7 7 0 0 0-.1-1.2l2-1.6-2-3.4-2.4 1a7 7 0 0 0-2-1.2L14 3h-4l-.5 2.6a7 7 0 0 0-2 1.2l-2.4-1-2 3.4 2 1.6a7 7 0 0 0 0 2.4l-2 1.6 2 3.4 2.4-1a7 7 0 0 0 2 1.2L10 21h4l.5-2.6a7 7 0 0 0 2-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2',
  layers: 'M12 3l9 5-9 5-9-5zM3 13l9 5 9-5',
  car: 'M5 11l2-5h10l2 5M3 11h18v6H3zM7 17v2M17 17v2M7 14h.01M17 14h.01',
  plus: 'M12 5v14M5 12h14',
  'address-book': 'M6 3h13v18H6zM3 7h3M3 12h3M3 17h3M12.5 11a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5M9 16a3.5 3.5 0 0 1 7 0',
  'chart-line': 'M3 3v18h18M7 15l4-4 3 3 6-6',
  coins: 'M9 8a6 3 0 1 0 12 0 6 3 0 1 0-12 0M9 8v4c0 1.7 2.7 3 6 3s6-1.3 6-3V8M3 12a6 3 0 0 0 6 3M3 12v4c0 1.7 2.7 3 6 3',
  eye: 'M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6',
  'file-medical': 'M6 3h8l4 4v14H6zM14 3v4h4M12 11v6M9 14h6',
  handshake: 'M2 11l4-4 4 2 3-2 3 1 6 3M2 11l6 6 2-1 2 2 2-1 2 1 4-5M9 13l2 2M11 11l3 3',
  'id-badge': 'M5 3h14v18H5zM10 3v3h4V3M12 13a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5M8 18a4 4 0 0 1 8 0',
  'shopping-bag': 'M5 7h14l-1 14H6zM9 7a3 3 0 0 1 6 0',
  tools: 'M14.7 6.3a4 4 0 0 0-5.4 5.4L3 18l3 3 6.3-6.3a4 4 0 0 0 5.4-5.4l-2.6 2.6-2.4-.6-.6-2.4z',
  trophy: 'M8 21h8M12 17v4M7 4h10v5a5 5 0 0 1-10 0zM7 6H4a3 3 0 0 0 3 4M17 6h3a3 3 0 0 1-3 4',
  'user-injured': 'M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8M5 21v-1a6 6 0 0 1 12 0v1M9 5l6 4',
  'user-plus': 'M16 21v-1a5 5 0 0 0-5-5H7a5 5 0 0 0-5 5v1M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8M19 8v6M16 11h6',
};



export function ModuleIcon({ name, label, size = 18 }: { name: string | null | undefined; label: string; size?: number }) {
  // Names outside the set (data from before the validator refused them) fall back to the label's initial.
  const known = resolveIconName(name ?? '');
  const path = known ? ICON_PATHS[known] : undefined;
  if (!path) {
    return (
      <span className="module-initial" style={{ width: size, height: size, fontSize: size * 0.6 }} aria-hidden="true">
        {(label.trim()[0] ?? '?').toUpperCase()}
      </span>
    );
  }
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={path} />
    </svg>
  );
}

export function PlusIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" aria-hidden="true">
      <path d="M12 5v14M5 12h14" />
    </svg>
  );
}
