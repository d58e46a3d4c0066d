import { Combobox, ComboboxGroup, ComboboxGroupLabel, ComboboxItem, ComboboxList, ComboboxProvider, Dialog, DialogHeading } from '@ariakit/react';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TSearchHit } from '@crm/api/search-schemas.js';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { orderedModules, permissionsFor, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useGlobalSearch } from '../api/search-views-api';
import '../search-views.css';
import { useDebounced } from '../hooks/use-debounced';
import { recentRecords, recentSearches, rememberRecord, rememberSearch, type RecentRecord } from '../hooks/recent-items';

interface Entry {
  readonly id: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly run: () => void;
}
interface Group {
  readonly id: string;
  readonly label: string;
  readonly entries: readonly Entry[];
}

/** True for Ctrl+K, or Cmd+K on a Mac. */
export function isPaletteShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}

/**
 * The top bar's search box and the command palette it opens (also on
 * Ctrl/Cmd+K from anywhere in the tenant): records of every module the user
 * may read, grouped by module, and commands; recent records and searches
 * before typing. Arrow keys move, Enter opens, Escape closes.
 */
export function CommandPalette() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isPaletteShortcut(event)) return;
      // The browser's own Ctrl+K (search bar) would steal focus otherwise.
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button type="button" className="palette-trigger" onClick={() => setOpen(true)} data-testid="open-palette" aria-keyshortcuts="Control+K Meta+K" aria-label={t('searchViews.palette.trigger')}>
        <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
          <circle cx="11" cy="11" r="7" />
          <path d="M20 20l-3.5-3.5" />
        </svg>
        <span className="palette-trigger-text">{t('searchViews.palette.trigger')}</span>
        <kbd className="palette-kbd">{t('searchViews.palette.shortcut')}</kbd>
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} className="dialog palette" backdrop={<div className="dialog-backdrop" />} unmountOnHide data-testid="palette">
        <DialogHeading className="sr-only">{t('searchViews.palette.title')}</DialogHeading>
        {open ? <PaletteBody onDone={() => setOpen(false)} /> : null}
      </Dialog>
    </>
  );
}

function PaletteBody({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const navigate = useNavigate();
  const session = useTenantSession();
  const { fixedTenantId } = useBackend();
  const { tenantId, bootstrap } = session;
  const [text, setText] = useState('');
  const debounced = useDebounced(text, 180);
  const search = useGlobalSearch(tenantId, debounced);
  const typing = text.trim() !== '';
  const modules = useMemo(() => orderedModules(session.config).filter((module) => permissionsFor(session, module.slug).read !== 'none'), [session]);
  const moduleLabel = (slug: string) => {
    const module = modules.find((candidate) => candidate.slug === slug);
    return module ? label(module.label_plural ?? module.label, slug) : slug;
  };
  const fieldLabel = (moduleSlug: string, key: string) => {
    const field = modules.find((candidate) => candidate.slug === moduleSlug)?.fields.find((candidate) => candidate.key === key);
    return field ? label(field.label, key) : key;
  };

  const go = (to: string) => {
    onDone();
    void navigate(to);
  };
  const openRecord = (record: RecentRecord) => {
    rememberRecord(tenantId, record);
    if (typing) rememberSearch(tenantId, text);
    go(paths.record(tenantId, record.module, record.id));
  };

  const commands: Entry[] = [];
  for (const module of modules) {
    const name = moduleLabel(module.slug);
    commands.push({ id: `go:${module.slug}`, label: t('searchViews.palette.goTo', { module: name }), run: () => go(paths.module(tenantId, module.slug)) });
    if (permissionsFor(session, module.slug).create !== 'none') {
      commands.push({ id: `new:${module.slug}`, label: t('searchViews.palette.create', { module: label(module.label, module.slug) }), run: () => go(paths.newRecord(tenantId, module.slug)) });
    }
  }
  if (bootstrap.canManageConfiguration) commands.push({ id: 'settings', label: t('searchViews.palette.settings'), run: () => go(paths.adminSettings(tenantId)) });
  if (fixedTenantId === null) commands.push({ id: 'switch', label: t('searchViews.palette.switchTenant'), run: () => go(paths.tenants()) });

  const groups: Group[] = [];
  if (!typing) {
    const recents = recentRecords(tenantId).filter((record) => modules.some((module) => module.slug === record.module));
    if (recents.length > 0) {
      groups.push({
        id: 'recent-records',
        label: t('searchViews.palette.recentRecords'),
        entries: recents.map((record) => ({ id: `recent:${record.id}`, label: record.display ?? record.number, hint: `${moduleLabel(record.module)} · ${record.number}`, run: () => openRecord(record) })),
      });
    }
    const searches = recentSearches(tenantId);
    if (searches.length > 0) {
      groups.push({ id: 'recent-searches', label: t('searchViews.palette.recentSearches'), entries: searches.map((entry) => ({ id: `again:${entry}`, label: entry, run: () => setText(entry) })) });
    }
  } else if (search.data && debounced.trim() === text.trim()) {
    const byModule = new Map<string, TSearchHit[]>();
    for (const hit of search.data.hits) byModule.set(hit.module, [...(byModule.get(hit.module) ?? []), hit]);
    for (const module of modules) {
      const hits = byModule.get(module.slug);
      if (!hits) continue;
      groups.push({
        id: `hits:${module.slug}`,
        label: moduleLabel(module.slug),
        entries: hits.map((hit) => ({
          id: `hit:${hit.id}`,
          label: hit.display ?? hit.number,
          hint: [hit.number, hit.context ? `${fieldLabel(hit.module, hit.context.field)}: ${hit.context.value}` : null].filter(Boolean).join(' · '),
          run: () => openRecord({ id: hit.id, module: hit.module, number: hit.number, display: hit.display }),
        })),
      });
    }
  }
  const needle = text.trim().toLowerCase();
  const shownCommands = typing ? commands.filter((command) => command.label.toLowerCase().includes(needle)) : commands;
  if (shownCommands.length > 0) groups.push({ id: 'commands', label: t('searchViews.palette.commands'), entries: shownCommands });

  const pending = typing && (debounced.trim() !== text.trim() || search.isFetching);
  const status = search.isError
    ? toUserError(search.error).message
    : pending
      ? t('searchViews.palette.searching')
      : typing && search.data && search.data.hits.length === 0
        ? t('searchViews.palette.noMatches')
        : null;

  return (
    <ComboboxProvider value={text} setValue={setText} open includesBaseElement={false} focusLoop>
      <div className="palette-input-row">
        <Combobox className="palette-input" placeholder={t('searchViews.palette.placeholder')} aria-label={t('searchViews.palette.title')} autoSelect autoFocus data-testid="palette-input" />
      </div>
      <div className="palette-status muted small" role="status" aria-live="polite">
        {status}
      </div>
      <ComboboxList className="palette-list" aria-label={t('searchViews.palette.results')}>
        {groups.map((group) => (
          <ComboboxGroup key={group.id} className="palette-group">
            <ComboboxGroupLabel className="palette-group-label">{group.label}</ComboboxGroupLabel>
            {group.entries.map((entry) => (
              <ComboboxItem key={entry.id} className="palette-item" value={entry.label} setValueOnClick={false} hideOnClick={false} onClick={entry.run} data-testid="palette-item">
                <span className="palette-item-label">{entry.label}</span>
                {entry.hint ? <span className="palette-item-hint muted small">{entry.hint}</span> : null}
              </ComboboxItem>
            ))}
          </ComboboxGroup>
        ))}
      </ComboboxList>
    </ComboboxProvider>
  );
}
