/**
 * The interface on the shared UI kit, on the seeded demo tenants: a phone
 * gets a menu button and a drawer, a top bar that fits and a readable
 * dashboard; the kanban drop lands in the column under the pointer even when
 * the drag crosses the board's scroll edge, with the card under the pointer
 * and an Undo; the record page shows the server's history; delete asks in an
 * alert dialog (Escape cancels) and can be undone; a member who opens an edit
 * link gets a way to the read view; a sort on a column the server cannot
 * order by says what it covers. Spanish and phone passes; axe on every page
 * (the harness) and on the screens passed through (`expectAccessible`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.js';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;
const SPANISH = { locale: 'es-ES' } as const;

const session = useBrowserSession({ tempPrefix: 'crm-e2e-kit-', failureShotPrefix: 'failed-kit-' });

/** True when nothing on the page is wider than the viewport (no sideways scrolling of the whole page). */
async function pageFitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

async function isInViewport(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height;
}

/** The status of the board column under a point, as the browser sees it. */
async function columnAt(page: Page, x: number, y: number): Promise<string | null> {
  return page.evaluate(
    ([px, py]) => {
      const hit = document.elementsFromPoint(px ?? 0, py ?? 0).find((element) => element.closest('[data-testid^="column-"]'));
      return hit?.closest('[data-testid^="column-"]')?.getAttribute('data-testid')?.replace(/^column-/, '') ?? null;
    },
    [x, y],
  );
}

describe('the interface on a phone, at 390×844', () => {
  it('opens the navigation from a menu button, keeps the top bar on screen and the dashboard readable', async () => {
    const page = await session.signIn('owner@demo.crm', { context: PHONE });
    await page.getByTestId('tenant-demo-corporate').click();
    await page.waitForURL(/\/t\/demo-corporate\/dashboard$/);
    await page.getByTestId('dashboard-grid').waitFor();
    await expect.poll(() => page.locator('.dash-widget .spinner').count()).toBe(0);

    // The top bar fits: the page does not scroll sideways and Sign out is on screen.
    expect(await pageFitsWidth(page)).toBe(true);
    expect(await isInViewport(page, '.topbar button:has-text("Sign out")')).toBe(true);

    // Dashboard cards are stacked in reading order and their figures are not cut.
    expect(await page.locator('.dash-reflow').count()).toBe(1);
    const cut = await page.locator('.dash-metric-value').evaluateAll((values) => values.filter((value) => value.scrollWidth > value.clientWidth + 1).length);
    expect(cut).toBe(0);
    await expectAccessible(page, 'phone dashboard');

    // No sidebar on a phone; the menu button opens it as a drawer, Escape closes it, and a link closes it too.
    expect(await page.locator('.app-shell > .sidebar').isVisible()).toBe(false);
    await page.getByTestId('open-nav').click();
    await page.getByTestId('nav-drawer').waitFor();
    await expectAccessible(page, 'phone navigation drawer');
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-drawer').waitFor({ state: 'detached' });
    await page.getByTestId('open-nav').click();
    await page.getByTestId('nav-drawer').getByTestId('nav-leads').click();
    await page.getByTestId('nav-drawer').waitFor({ state: 'detached' });
    await page.getByTestId('module-title').waitFor();

    // The table scrolls sideways inside its frame; the first column stays put.
    await page.getByTestId('records-table').waitFor();
    expect(await pageFitsWidth(page)).toBe(true);
    const tableBox = await page.getByTestId('records-table').boundingBox();
    await page.getByTestId('records-table').evaluate((element) => element.scrollTo({ left: 400 }));
    await expect.poll(() => page.getByTestId('records-table').evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
    const firstCell = await page.locator('[data-testid=records-table] tbody tr td:first-child').first().boundingBox();
    expect(Math.abs((firstCell?.x ?? -100) - (tableBox?.x ?? 0))).toBeLessThan(3);
    await screenshot(page, 'kit-phone-table');

    // Language and theme sit behind one menu on a phone (arrows and Enter work: it is the kit's menu).
    await page.getByTestId('display-menu').click();
    await page.getByTestId('display-language-es').click();
    await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    await page.getByTestId('display-menu').click();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    // The form is one column.
    await page.getByTestId('new-record').click();
    await page.getByTestId('record-form').waitFor();
    const columns = await page.locator('.form-grid').evaluate((grid) => getComputedStyle(grid).gridTemplateColumns.split(' ').length);
    expect(columns).toBe(1);
    expect(await pageFitsWidth(page)).toBe(true);
  });
});

describe('the kanban board', () => {
  it('drops a card in the column under the pointer when the drag crosses the scroll edge, shows it under the pointer, and undoes the move', async () => {
    // 1280 px wide: the board shows three stages and part of the fourth, so the drop target sits at the scroll edge.
    const page = await session.signIn('owner@demo.crm', { context: { viewport: { width: 1280, height: 800 } } });
    await page.goto(`${session.stack.url}/t/demo-corporate/m/opportunities?view=board`);
    const card = page.locator('[data-testid=column-Prospecting] [data-testid^=card-]').first();
    await card.waitFor();
    const number = (await card.getAttribute('data-testid'))?.replace(/^card-/, '') ?? '';
    const board = page.getByTestId('kanban');
    const boardBox = await board.boundingBox();
    const fourth = await page.getByTestId('column-Negotiation').boundingBox();
    if (!boardBox || !fourth) throw new Error('board not laid out');
    const boardRight = boardBox.x + boardBox.width;
    expect(fourth.x + fourth.width).toBeGreaterThan(boardRight); // the fourth column runs past the board's edge
    const scrollBefore = await board.evaluate((element) => element.scrollLeft);

    const from = await card.boundingBox();
    if (!from) throw new Error('card not laid out');
    expect(boardRight - fourth.x).toBeGreaterThan(80); // …and part of it shows
    const target = { x: fourth.x + 30, y: fourth.y + 120 };
    await page.mouse.move(from.x + from.width / 2, from.y + 20);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 20, from.y + 30, { steps: 4 });
    await page.mouse.move(target.x, target.y, { steps: 20 });
    // Hold still as a user deciding would; the board must not run away under the card.
    await page.waitForTimeout(1500);
    const overlay = await page.getByTestId('drag-overlay').boundingBox();
    expect(overlay).not.toBeNull();
    if (overlay) {
      expect(target.x).toBeGreaterThanOrEqual(overlay.x - 2);
      expect(target.x).toBeLessThanOrEqual(overlay.x + overlay.width + 2);
    }
    const under = await columnAt(page, target.x, target.y);
    expect(under).toBe('Negotiation');
    expect(await board.evaluate((element) => element.scrollLeft)).toBe(scrollBefore);
    await page.mouse.up();

    await page.locator(`[data-testid=column-Negotiation] [data-testid=card-${number}]`).waitFor();
    await page.getByTestId('toast').filter({ hasText: 'Negotiation' }).waitFor();

    // Undo from the toast puts the card back where it was, on the server too.
    await page.getByTestId('toast-action').click();
    await page.locator(`[data-testid=column-Prospecting] [data-testid=card-${number}]`).waitFor();
    await expect.poll(() => page.locator(`[data-testid=column-Negotiation] [data-testid=card-${number}]`).count()).toBe(0);
    await page.reload();
    await page.locator(`[data-testid=column-Prospecting] [data-testid=card-${number}]`).waitFor();
    await screenshot(page, 'kit-kanban-after-undo');
  });
});

describe('records in Spanish', () => {
  it('shows the history the server keeps, deletes through an alert dialog that Escape cancels, and undoes the delete', async () => {
    const page = await session.signIn('owner@demo.crm', { context: SPANISH });
    await page.goto(`${session.stack.url}/t/demo-corporate/m/opportunities`);
    await page.getByTestId('record-link').first().click();
    await page.getByTestId('record-title').waitFor();
    const detailUrl = page.url();

    // Change the stage through the form; the history lists the change.
    await page.getByTestId('edit-record').click();
    const stage = page.getByTestId('input-stage');
    const current = await stage.inputValue();
    const next = current === 'Proposal' ? 'Negotiation' : 'Proposal';
    await stage.selectOption(next);
    await page.getByTestId('submit-record').click();
    await page.waitForURL(detailUrl);
    await expect.poll(() => page.getByTestId('history').textContent()).toContain('Modificado');
    await expect.poll(() => page.getByTestId('history').textContent()).toContain(`→ ${next}`);
    await expectAccessible(page, 'record detail (es)');

    // Delete: an alert dialog; Escape cancels and keeps the record.
    await page.getByTestId('delete-record').click();
    await page.getByRole('alertdialog').waitFor();
    await expectAccessible(page, 'delete alert dialog (es)');
    await page.keyboard.press('Escape');
    await page.getByRole('alertdialog').waitFor({ state: 'detached' });
    expect(page.url()).toBe(detailUrl);

    // Confirm, then undo from the toast: the record is back, not in the trash.
    await page.getByTestId('delete-record').click();
    await page.getByTestId('alert-dialog-confirm').click();
    await page.getByTestId('toast').filter({ hasText: 'papelera' }).waitFor();
    await page.getByTestId('toast-action').click();
    await page.goto(detailUrl);
    await page.getByTestId('edit-record').waitFor();
    expect(await page.locator('.badge-danger').count()).toBe(0);
  });

  it('a member opening an edit link they cannot use is told so and offered the read view', async () => {
    const owner = await session.signIn('owner@demo.crm');
    await owner.goto(`${session.stack.url}/t/demo-hospital/m/patients`);
    await owner.getByTestId('record-link').first().click();
    await owner.getByTestId('edit-record').waitFor();
    const recordUrl = owner.url();

    const page = await session.signIn('member@demo.crm', { context: SPANISH });
    await page.goto(`${recordUrl}/edit`);
    await page.getByTestId('not-allowed').waitFor();
    expect(await page.getByTestId('not-allowed').textContent()).toContain('no editarlo');
    await page.getByTestId('not-allowed-back').click();
    await page.waitForURL(recordUrl);
    await page.getByTestId('record-title').waitFor();
  });

  it('a sort on a column the server cannot order by loads every matching row first, or says it did not', async () => {
    const page = await session.signIn('owner@demo.crm', { context: SPANISH });
    await page.goto(`${session.stack.url}/t/demo-corporate/m/leads`);
    await page.getByTestId('records-table').waitFor();
    const header = page.locator('[data-testid=records-table] th button').nth(1);
    const column = (await header.textContent()) ?? '';
    // The cells under that header (the table may lead with a selection column).
    const cellIndex = await header.evaluate((element) => (element.closest('th') as HTMLTableCellElement).cellIndex);
    await header.click();
    // Every lead is loaded (the demo has fewer than the limit), so the sort covers them all and no notice remains.
    await expect.poll(() => page.getByTestId('sort-coverage').count()).toBe(0);
    const texts = await page.locator(`[data-testid=records-table] tbody tr td:nth-child(${cellIndex + 1})`).allTextContents();
    const sorted = [...texts].sort((a, b) => a.localeCompare(b, 'es'));
    expect(texts.slice(0, 5)).toEqual(sorted.slice(0, 5));
    expect(column).not.toBe('');
  });
});

describe('forms and failures', () => {
  it('the relationship picker is named by its label and works from the keyboard', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/demo-hospital/m/appointments/new`);
    // Found by its role and its label's text: the <label for> names the combobox input.
    const patient = page.getByRole('combobox', { name: /^Patient/ });
    await patient.waitFor();
    await patient.focus();
    await patient.pressSequentially('a');
    const options = page.getByRole('listbox').getByRole('option');
    await options.first().waitFor();
    await expectAccessible(page, 'relationship picker open');
    // The arrow moves the highlight (the first match is highlighted as you type); Enter picks the highlighted one.
    await page.keyboard.press('ArrowDown');
    const active = page.getByRole('listbox').locator('[data-active-item]');
    const chosen = ((await active.locator('span').first().textContent()) ?? '').trim();
    expect(chosen).not.toBe('');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('input-patient').textContent()).toContain(chosen);
  });

  it('a request that cannot reach the server says the connection failed and offers a retry that works', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.route('**/crmListRecords', (route) => route.abort('internetdisconnected'));
    await page.goto(`${session.stack.url}/t/demo-corporate/m/leads`);
    const banner = page.locator('.error-banner');
    await banner.waitFor({ timeout: 40_000 });
    expect(await banner.textContent()).toMatch(/cannot be reached|connection/i);
    expect(await banner.textContent()).not.toMatch(/on our side/);
    await page.unroute('**/crmListRecords');
    await banner.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('records-table').waitFor();
  });
});
