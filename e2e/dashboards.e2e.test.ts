/**
 * Dashboards in the browser, on the seeded demo tenants: figures follow the
 * records, charts draw, each template's default dashboard is photographed,
 * the editor's drag/resize/add survives a reload, a pipeline stage opens its
 * filtered list, and a member sees "hidden" where the matrix forbids a module.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, SCREENSHOT_DIR } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';
import { callCallable } from './support/crm-rest.js';

const DEMO_DASHBOARDS = [
  { tenantId: 'demo-hospital', template: 'hospital', widgets: 6 },
  { tenantId: 'demo-realestate', template: 'real-estate', widgets: 6 },
  { tenantId: 'demo-jewellery', template: 'jewellery', widgets: 6 },
  { tenantId: 'demo-corporate', template: 'corporate', widgets: 6 },
] as const;

const session = useBrowserSession({ tempPrefix: 'crm-e2e-dash-', failureShotPrefix: 'failed-dash-' });

/** Waits until every widget of the dashboard shows its figures (no placeholder, no spinner). */
async function dashboardRendered(page: Page, widgets: number): Promise<void> {
  await page.getByTestId('dashboard-grid').waitFor();
  await expect.poll(() => page.locator('[data-testid=dashboard-grid] .dash-widget').count()).toBe(widgets);
  await expect.poll(() => page.locator('.dash-widget .spinner, .dash-widget-body:empty').count()).toBe(0);
  await expect.poll(() => page.getByText('Figures appear once the dashboard is saved.').count()).toBe(0);
}

/** A locator's box once two reads in a row agree: after a transition, not during it. */
async function stableBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last: { x: number; y: number; width: number; height: number } | null = null;
  await expect
    .poll(async () => {
      const box = await locator.boundingBox();
      const still = last !== null && box !== null && Math.abs(box.x - last.x) < 0.5 && Math.abs(box.y - last.y) < 0.5;
      last = box;
      return still;
    })
    .toBe(true);
  if (!last) throw new Error('not laid out');
  return last;
}

async function metricValue(page: Page, widgetId: string): Promise<number> {
  const text = (await page.getByTestId(`metric-value-${widgetId}`).textContent()) ?? '';
  return Number(text.replace(/[^\d.-]/g, ''));
}

describe('dashboards in the browser', () => {
  it('the tenant opens on its dashboard; a new record moves the metric by one; charts draw', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.getByTestId('tenant-demo-hospital').click();
    await page.waitForURL(/\/t\/demo-hospital\/dashboard$/);
    await dashboardRendered(page, 6);
    await expect.poll(() => page.getByTestId('dashboard-title').textContent()).toBe('Hospital Overview');
    const before = await metricValue(page, 'total-patients');
    // Donut by status over this month's appointments: slices drawn as SVG sectors.
    await expect.poll(() => page.locator('[data-testid=chart-appointments-by-status] .recharts-pie-sector').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=chart-appointments-chart] svg.recharts-surface').count()).toBe(1);

    await page.getByTestId('nav-patients').click();
    await page.getByTestId('new-record').click();
    await page.getByTestId('input-patient_id').fill('PT-DASH-1');
    await page.getByTestId('input-full_name').fill('Dashboard Tester');
    await page.getByTestId('input-date_of_birth').fill('1985-02-03');
    await page.getByTestId('input-phone').fill('+1 555 010 4242');
    await page.getByTestId('input-status').selectOption('Active');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('record-title').filter({ hasText: 'Dashboard Tester' }).waitFor();

    await page.getByTestId('open-dashboard').click();
    await dashboardRendered(page, 6);
    await page.reload();
    await dashboardRendered(page, 6);
    await expect.poll(() => metricValue(page, 'total-patients')).toBe(before + 1);
    // The newest patient heads the recent-records widget.
    await expect.poll(() => page.getByTestId('widget-recent-patients').locator('tbody tr').first().textContent()).toContain('Dashboard Tester');
  });

  it("each template's default dashboard renders (screenshots dash-<template>.png)", async () => {
    const page = await session.signIn('owner@demo.crm');
    // Tall enough that each default dashboard fits in one picture (the workspace scrolls inside, not the page).
    await page.setViewportSize({ width: 1440, height: 1100 });
    for (const demo of DEMO_DASHBOARDS) {
      await page.goto(`${session.stack.url}/t/${demo.tenantId}`);
      await page.waitForURL(new RegExp(`/t/${demo.tenantId}/dashboard$`));
      await dashboardRendered(page, demo.widgets);
      expect(await page.locator('.dash-widget .dash-error').count()).toBe(0);
      expect(await page.getByTestId('widget-hidden').count()).toBe(0);
      await expect.poll(() => page.locator('.dash-widget svg.recharts-surface').count()).toBeGreaterThan(0);
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `dash-${demo.template}.png`), fullPage: true });
    }
    // Corporate's leads-by-source bar chart: bars, one per source with leads this quarter.
    await expect.poll(() => page.locator('[data-testid=chart-leads-by-source] .recharts-bar-rectangle').count()).toBeGreaterThan(0);
  });

  it('a pipeline stage opens the module list filtered to that stage', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/demo-realestate/dashboard`);
    await dashboardRendered(page, 6);
    const stage = page.getByTestId('pipeline-deal-pipeline').getByTestId('pipeline-stage-Negotiation');
    const count = Number((await stage.getByTestId('stage-count').textContent()) ?? 'NaN');
    expect(count).toBeGreaterThan(0);
    await stage.click();
    await page.waitForURL(/\/t\/demo-realestate\/m\/deals\?eq\.stage=Negotiation$/);
    await expect.poll(() => page.getByTestId('filter-chip').textContent()).toContain('Negotiation');
    await page.getByText(`${count} shown`).waitFor();
    await screenshot(page, 'dash-pipeline-filtered-list');
  });

  it('the editor adds a widget, moves and resizes it, saves (layout survives a reload), and makes a per-role landing dashboard', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/demo-corporate/dashboard`);
    await dashboardRendered(page, 6);
    await page.getByTestId('edit-dashboard').click();
    await page.getByTestId('add-widget-type').selectOption('metric_card');
    await page.getByTestId('add-widget').click();
    const editor = page.getByTestId('widget-editor');
    await editor.getByTestId('widget-module').selectOption('leads');
    await editor.getByTestId('widget-title').fill('Hot leads');
    await editor.getByTestId('widget-add-filter').click();
    await editor.getByTestId('filter-field-0').selectOption('rating');
    await editor.getByText('Hot', { exact: true }).click();
    await screenshot(page, 'dash-widget-editor');
    await editor.getByTestId('widget-apply').click();
    const widget = page.getByTestId('widget-metric-card-1');
    await widget.waitFor();
    const placed = (await widget.getAttribute('data-position')) ?? '';
    expect(placed).toMatch(/^0,\d+,3,2$/);

    // Move: drag by the title three columns right. Resize: drag the corner two columns right, one row down.
    await widget.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    const grid = await page.getByTestId('dashboard-grid').boundingBox();
    if (!grid) throw new Error('grid not laid out');
    const column = (grid.width + 16) / 12;
    const handle = await widget.locator('.dash-widget-title').boundingBox();
    if (!handle) throw new Error('widget title not laid out');
    await page.mouse.move(handle.x + 20, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 30, handle.y + handle.height / 2, { steps: 3 });
    await page.mouse.move(handle.x + 20 + column * 3, handle.y + handle.height / 2, { steps: 10 });
    await page.mouse.up();
    await expect.poll(async () => ((await widget.getAttribute('data-position')) ?? '').split(',')[0]).toBe('3');
    // The grid animates a moved widget into place (a CSS transition): read the corner once it stands still.
    const corner = await stableBox(widget.locator('.react-resizable-handle'));
    await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
    await page.mouse.down();
    await page.mouse.move(corner.x + column * 2 + 10, corner.y + 72 + 10, { steps: 10 });
    await page.mouse.up();
    await expect.poll(async () => ((await widget.getAttribute('data-position')) ?? '').split(',').slice(2).join(',')).toBe('5,3');
    const arranged = (await widget.getAttribute('data-position')) ?? '';
    await screenshot(page, 'dash-editing');

    await page.getByTestId('save-dashboard').click();
    await page.getByTestId('edit-dashboard').waitFor();
    await page.reload();
    await dashboardRendered(page, 7);
    expect(await page.getByTestId('widget-metric-card-1').getAttribute('data-position')).toBe(arranged);
    await expect.poll(() => page.getByTestId('widget-metric-card-1').locator('.dash-widget-title').textContent()).toBe('Hot leads');
    expect(await metricValue(page, 'metric-card-1')).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'dash-edited-corporate');

    // A dashboard for one role: admins land on it, owners still on theirs.
    await page.getByTestId('new-dashboard').click();
    await page.getByTestId('dashboard-name').fill('Admins desk');
    await page.getByTestId('dashboard-audience').selectOption('admin');
    await page.getByTestId('dashboard-default').check();
    await page.getByTestId('add-widget-type').selectOption('pipeline');
    await page.getByTestId('add-widget').click();
    await page.getByTestId('widget-editor').getByTestId('widget-module').selectOption('opportunities');
    await page.getByTestId('widget-editor').getByTestId('widget-value-field').selectOption('amount');
    await page.getByTestId('widget-editor').getByTestId('widget-apply').click();
    await page.getByTestId('save-dashboard').click();
    await page.waitForURL(/\/t\/demo-corporate\/dashboard\/[^/]+$/);
    await dashboardRendered(page, 1);
    await expect.poll(() => page.getByTestId('dashboard-title').textContent()).toBe('Admins desk');
    // Polled: the figures of a just-saved widget arrive after the page has drawn it.
    await expect.poll(() => page.getByTestId('pipeline-pipeline-1').locator('button').count()).toBeGreaterThan(1);
    const adminsDesk = page.url().split('/').pop();
    const landing = async (email: string) => {
      const answer = await session.call(email, 'crmListDashboards', { tenantId: 'demo-corporate' });
      if (!answer.ok) throw new Error(answer.message);
      return answer.result.defaultDashboardId;
    };
    expect(await landing('admin@demo.crm')).toBe(adminsDesk);
    expect(await landing('owner@demo.crm')).not.toBe(adminsDesk);
  });

  it('a member sees a hidden-widget notice where the matrix forbids the module', async () => {
    // A module members may not read at all, and a members' dashboard over it (as an admin would set up).
    const ownerToken = await session.idToken('owner@demo.crm');
    const created = await callCallable(session.stack, ownerToken, 'crmCreateModule', {
      tenantId: 'demo-jewellery',
      module: { slug: 'vault', label: 'Vault item', record_prefix: 'VLT' },
      fields: [{ key: 'name', label: 'Name', type: 'text', required: true }],
      permissions: { member: [] },
    });
    expect(created.ok).toBe(true);
    const saved = await callCallable(session.stack, ownerToken, 'crmSaveDashboard', {
      tenantId: 'demo-jewellery',
      dashboard: {
        name: { en: 'Counter desk', es: 'Mostrador' },
        role_restriction: 'member',
        is_default: true,
        widgets: [
          { id: 'vault-count', type: 'metric_card', title: 'Vault items', position: { x: 0, y: 0, w: 4, h: 2 }, config: { module: 'vault', aggregation: 'count' } },
          { id: 'stock-count', type: 'metric_card', title: 'In stock', position: { x: 4, y: 0, w: 4, h: 2 }, config: { module: 'inventory', aggregation: 'count', filter: { status: 'In Stock' } } },
        ],
      },
    });
    expect(saved.ok).toBe(true);

    const page = await session.signIn('member@demo.crm');
    await page.getByTestId('tenant-demo-jewellery').click();
    await page.waitForURL(/\/t\/demo-jewellery\/dashboard$/);
    await dashboardRendered(page, 2);
    await expect.poll(() => page.getByTestId('dashboard-title').textContent()).toBe('Counter desk');
    await page.getByTestId('widget-vault-count').getByTestId('widget-hidden').waitFor();
    expect(await page.getByTestId('metric-value-vault-count').count()).toBe(0);
    expect(await metricValue(page, 'stock-count')).toBeGreaterThan(0);
    expect(await page.getByTestId('edit-dashboard').count()).toBe(0);
    // In Spanish: the dashboard's own name and the notice.
    await page.getByTestId('language-select').selectOption('es');
    await expect.poll(() => page.getByTestId('dashboard-title').textContent()).toBe('Mostrador');
    await page.getByText('Oculto: no tienes acceso a estos datos.').waitFor();
    await screenshot(page, 'dash-member-hidden');
  });

  it('no screen threw an uncaught error', () => {
    expect(session.pageErrors.flat()).toEqual([]);
  });
});
