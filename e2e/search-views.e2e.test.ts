/**
 * Global search and saved views on the seeded demo tenants: Ctrl+K finds a
 * patient by a fragment of the name and opens the record; a view saved with
 * a filter and a changed column order shows in the sidebar and survives a
 * reload; the calendar view shows appointments on their days. Axe runs on
 * every page visited (the harness).
 */
import { describe, expect, it } from 'vitest';
import { useBrowserSession } from './support/browser-session.js';

const session = useBrowserSession({ tempPrefix: 'crm-e2e-sv-', failureShotPrefix: 'failed-sv-', privateWebDist: true });
const TENANT = 'demo-hospital';

async function createRecord(module: string, data: Record<string, unknown>): Promise<string> {
  const created = await session.call('owner@demo.crm', 'crmCreateRecord', { tenantId: TENANT, module, data });
  if (!created.ok) throw new Error(`creating a ${module} record failed: ${created.message}`);
  return String((created.result.record as { id: string }).id);
}

describe('global search and saved views', () => {
  it('Ctrl+K finds a patient by a fragment of the name and opens it', async () => {
    const id = await createRecord('patients', { patient_id: 'P-E2E-77', full_name: 'Zephyrine Quillfeather', date_of_birth: '1990-04-02', phone: '+1 555 0177', status: 'Active' });
    const page = await session.signIn('owner@demo.crm');
    await page.getByTestId(`tenant-${TENANT}`).click();
    await page.getByTestId('open-palette').waitFor();
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill('quillf');
    const hit = page.getByTestId('palette-item').filter({ hasText: 'Zephyrine Quillfeather' });
    await hit.waitFor();
    // Grouped under its module, with the record number as context; the keyboard picks it.
    await expect.poll(() => page.locator('.palette-group').filter({ has: hit }).locator('.palette-group-label').textContent()).toBe('Patients');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/t/${TENANT}/m/patients/r/${id}$`));
    await page.getByText('Zephyrine Quillfeather').first().waitFor();

    // Before typing, the palette offers the record just opened.
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-item').filter({ hasText: 'Zephyrine Quillfeather' }).waitFor();
    await page.keyboard.press('Escape');
  });

  it('a view saved with a filter and a column order shows in the sidebar and survives a reload', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('records-table').waitFor();
    // Filter: status = Active.
    await page.getByTestId('add-filter').click();
    await page.getByTestId('filter-field').selectOption('status');
    await page.getByTestId('filter-value').selectOption('Active');
    await page.getByTestId('filter-apply').click();
    await page.getByTestId('filter-chip').waitFor();
    // Column order: move the second column before the first.
    await page.getByTestId('columns-button').click();
    const headersBefore = await page.locator('[data-testid=records-table] thead th').allTextContents();
    // Data columns start after the selection column (if any) and the record number.
    const first = headersBefore.findIndex((text) => text.startsWith('Number')) + 1;
    const second = headersBefore[first + 1] ?? '';
    await page.locator('[data-testid^=column-up-]').nth(1).click();
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await page.locator('[data-testid=records-table] thead th').allTextContents())[first]).toBe(second);
    const headers = await page.locator('[data-testid=records-table] thead th').allTextContents();

    await page.getByTestId('view-save-as').click();
    await page.getByTestId('view-name').fill('Active by the e2e');
    await page.getByTestId('view-save-submit').click();
    await page.waitForURL(/[?&]view=[A-Za-z0-9]+/);
    const sidebarView = page.locator('.app-shell > .sidebar').getByTestId('sidebar-view').filter({ hasText: 'Active by the e2e' });
    await sidebarView.waitFor();

    // A fresh page (reload from the saved URL): same filter, same column order, still in the sidebar, not "modified".
    await page.reload();
    await page.getByTestId('records-table').waitFor();
    await page.getByTestId('filter-chip').waitFor();
    await expect.poll(() => page.locator('[data-testid=records-table] thead th').allTextContents()).toEqual(headers);
    await sidebarView.waitFor();
    expect(await page.getByTestId('view-modified').count()).toBe(0);
    expect(await page.getByTestId('views-menu').textContent()).toContain('Active by the e2e');

    // Leaving the view and coming back from the sidebar applies it again.
    await page.getByTestId('nav-doctors').click();
    await page.getByTestId('module-title').filter({ hasText: 'Doctors' }).waitFor();
    await sidebarView.click();
    await page.getByTestId('filter-chip').waitFor();
    await expect.poll(() => page.locator('[data-testid=records-table] thead th').allTextContents()).toEqual(headers);
  });

  it('a filter on a date relative to today ("next 7 days") shows only the rows in that range and is saved as the range, not as dates', async () => {
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const firstOf = async (module: string) => {
      const listed = await session.call('owner@demo.crm', 'crmListRecords', { tenantId: TENANT, module, pageSize: 1 });
      if (!listed.ok) throw new Error(`listing ${module} failed: ${listed.message}`);
      return String((listed.result.records as Array<{ id: string }>)[0]?.id);
    };
    const [patient, doctor] = [await firstOf('patients'), await firstOf('doctors')];
    const visit = { patient, doctor, reason: 'Quokkarange checkup', status: 'Scheduled' };
    await createRecord('appointments', { ...visit, appointment_number: 'RELNEAR', appointment_date: `${inDays(2)}T12:00:00Z` });
    await createRecord('appointments', { ...visit, appointment_number: 'RELFAR', appointment_date: `${inDays(60)}T12:00:00Z` });

    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/appointments`);
    await page.getByTestId('search').fill('Quokkarange');
    await expect.poll(() => page.locator('[data-testid=records-table] tbody tr').count()).toBe(2);
    await page.getByTestId('add-filter').click();
    await page.getByTestId('filter-field').selectOption('appointment_date');
    await page.getByTestId('filter-op').selectOption('relative');
    await page.getByTestId('filter-range').selectOption('next_7_days');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => page.getByTestId('filter-chip').textContent()).toContain('Next 7 days');
    await expect.poll(() => page.locator('[data-testid=records-table] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid=records-table] tbody tr').textContent()).toContain('RELNEAR');

    await page.getByTestId('view-save-as').click();
    await page.getByTestId('view-name').fill('Next week by the e2e');
    await page.getByTestId('view-save-submit').click();
    await page.waitForURL(/[?&]view=[A-Za-z0-9]+/);
    const views = await session.call('owner@demo.crm', 'crmListViews', { tenantId: TENANT, module: 'appointments' });
    if (!views.ok) throw new Error(views.message);
    const saved = (views.result.views as Array<{ name: string; filters: unknown[] }>).find((view) => view.name === 'Next week by the e2e');
    expect(saved?.filters).toEqual([{ field: 'appointment_date', op: 'relative', value: 'next_7_days' }]);
  });

  it('the calendar view shows appointments on their days', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const firstOf = async (module: string) => {
      const listed = await session.call('owner@demo.crm', 'crmListRecords', { tenantId: TENANT, module, pageSize: 1 });
      if (!listed.ok) throw new Error(`listing ${module} failed: ${listed.message}`);
      return String((listed.result.records as Array<{ id: string }>)[0]?.id);
    };
    const [patient, doctor] = [await firstOf('patients'), await firstOf('doctors')];
    const visit = { patient, doctor, reason: 'Calendar check', status: 'Scheduled' };
    await createRecord('appointments', { ...visit, appointment_number: 'CAL-E2E-ONE', appointment_date: `${month}-10T11:00:00Z` });
    await createRecord('appointments', { ...visit, appointment_number: 'CAL-E2E-TWO', appointment_date: `${month}-20T13:00:00Z` });
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/appointments`);
    await page.getByTestId('view-layout').selectOption('calendar');
    await page.getByTestId('calendar').waitFor();
    await page.locator(`[data-day="${month}-10"]`).getByText('CAL-E2E-ONE').waitFor();
    await page.locator(`[data-day="${month}-20"]`).getByText('CAL-E2E-TWO').waitFor();
    expect(await page.locator(`[data-day="${month}-11"]`).getByText('CAL-E2E-ONE').count()).toBe(0);
    // The week view shows seven days; an event opens its record.
    await page.getByTestId('calendar-mode-week').click();
    await expect.poll(() => page.getByTestId('calendar-day').count()).toBe(7);
    await page.getByTestId('calendar-mode-month').click();
    await page.locator(`[data-day="${month}-10"]`).getByText('CAL-E2E-ONE').click();
    await page.waitForURL(/\/m\/appointments\/r\/[A-Za-z0-9]+$/);
  });
});
