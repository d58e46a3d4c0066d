import { z } from 'zod';

/**
 * The icon set templates and custom modules may name (`enabled_modules[].icon`,
 * a metric widget's `config.icon`). The SPA draws each with a line icon
 * (web/src/components/module-icon.tsx maps every name, checked by its types);
 * templates/README.md lists them. An unknown name is refused by the validator
 * instead of silently drawn as a letter tile.
 */
export const ICON_NAMES = [
  'users',
  'user',
  'calendar',
  'stethoscope',
  'doctor',
  'heart',
  'home',
  'building',
  'briefcase',
  'gem',
  'diamond',
  'ring',
  'file',
  'file-text',
  'folder',
  'scale',
  'gavel',
  'dollar',
  'credit-card',
  'receipt',
  'package',
  'box',
  'truck',
  'phone',
  'mail',
  'target',
  'task',
  'check-square',
  'clipboard',
  'pill',
  'bed',
  'key',
  'map',
  'tag',
  'star',
  'chart',
  'settings',
  'layers',
  'car',
  'plus',
  'address-book',
  'chart-line',
  'coins',
  'eye',
  'file-medical',
  'handshake',
  'id-badge',
  'shopping-bag',
  'tools',
  'trophy',
  'user-injured',
  'user-plus',
] as const;
export type IconName = (typeof ICON_NAMES)[number];

/** Other spellings accepted for a name of the set (plural nouns, Font Awesome names). */
export const ICON_ALIASES: Readonly<Record<string, IconName>> = {
  people: 'users', contacts: 'users', patients: 'users', clients: 'users', customers: 'users',
  person: 'user', appointments: 'calendar', 'calendar-check': 'calendar', event: 'calendar',
  doctors: 'stethoscope', 'user-md': 'doctor', properties: 'home', house: 'home', property: 'home',
  office: 'building', company: 'building', companies: 'building', deals: 'briefcase', matters: 'scale',
  legal: 'scale', jewelry: 'gem', jewellery: 'gem', inventory: 'package', invoice: 'receipt',
  'dollar-sign': 'dollar', invoices: 'receipt', payments: 'credit-card', money: 'dollar', leads: 'target',
  tasks: 'task', documents: 'file-text', document: 'file-text', orders: 'package', products: 'box',
  vehicles: 'car', vehicle: 'car',
};

const KNOWN = new Set<string>(ICON_NAMES);

/** The set's name for `name` ("fa-users", "Patients" → users), or undefined when it is not in the set. */
export function resolveIconName(name: string): IconName | undefined {
  const key = name.trim().toLowerCase().replace(/^(fa-|mdi-|lucide-)/, '');
  if (KNOWN.has(key)) return key as IconName;
  return Object.prototype.hasOwnProperty.call(ICON_ALIASES, key) ? ICON_ALIASES[key] : undefined;
}

export const IconNameSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((name) => resolveIconName(name) !== undefined, {
    error: (issue) => `unknown icon "${String(issue.input)}"; use one of: ${ICON_NAMES.join(', ')} (see templates/README.md)`,
  });
