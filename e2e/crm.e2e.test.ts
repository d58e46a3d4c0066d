import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, SCREENSHOT_DIR } from './support/browser.js';
import { DEMO_PASSWORD as PASSWORD, useBrowserSession } from './support/browser-session.js';
import { callCallable } from './support/crm-rest.js';
import { pickRelated } from './support/ui.js';
import { BULK, FRESH_TENANTS, prepareData } from './support/prepare-data.js';

const TEMPLATES_DIR = join(import.meta.dirname, '..', 'templates');

const session = useBrowserSession({
  tempPrefix: 'crm-e2e-',
  failureShotPrefix: 'failed-',
  prepare: async (dataDir) => {
    const prepared = await prepareData(dataDir);
    console.log(`[e2e] ${BULK.count} bulk records created through the services in ${prepared.bulkMs} ms`);
  },
});

async function templateModuleCount(slug: string): Promise<number> {
  const file = { 'real-estate': 'real-estate.json' }[slug] ?? `${slug}.json`;
  const template = JSON.parse(await readFile(join(TEMPLATES_DIR, file), 'utf8')) as { enabled_modules: unknown[] };
  return template.enabled_modules.length;
}

async function rowsInTable(page: Page): Promise<number> {
  return page.locator('[data-testid=records-table] tbody tr').count();
}

describe('CRM Pro in the browser', () => {
  it('a new owner signs in, picks a tenant and chooses each template in turn', async () => {
    const page = await session.signIn('newadmin@demo.crm');
    await page.getByText('Choose a workspace').waitFor();
    await expect.poll(() => page.locator('.tenant-item').count()).toBe(1 + FRESH_TENANTS.length);
    await screenshot(page, '01-tenant-picker');

    await page.getByTestId('tenant-demo-fresh').click();
    await page.getByText('Choose a template for Fresh Start Co.').waitFor();
    await expect.poll(() => page.locator('.template-card').count()).toBeGreaterThanOrEqual(5);
    await screenshot(page, '02-template-selection');

    await page.getByTestId('template-hospital').getByRole('button', { name: 'Use this template' }).click();
    await page.getByRole('dialog').getByText('Set up Hospital CRM?').waitFor();
    await screenshot(page, '03-template-review');
    await page.getByTestId('confirm-template').click();
    await page.getByTestId('nav-patients').waitFor();
    expect(await page.locator('.sidebar-nav [data-testid^=nav-]:not([data-testid^=nav-admin])').count()).toBe(await templateModuleCount('hospital'));
    await expect.poll(() => page.getByTestId('user-role').textContent()).toBe('Owner');
    await screenshot(page, '04-workspace');

    for (const tenant of FRESH_TENANTS) {
      await page.goto(`${session.stack.url}/t/${tenant.id}`);
      await page.getByTestId(`template-${tenant.template}`).getByRole('button', { name: 'Use this template' }).click();
      await page.getByTestId('confirm-template').click();
      const modules = await templateModuleCount(tenant.template);
      if (modules === 0) {
        await page.getByTestId('create-first-module').waitFor();
      } else {
        await expect
          .poll(() => page.locator('.sidebar-nav [data-testid^=nav-]:not([data-testid^=nav-admin])').count(), { timeout: 20_000 })
          .toBe(modules);
      }
      await expect.poll(() => page.getByTestId('tenant-name').textContent()).toBe(tenant.name);
    }
    await screenshot(page, '05-blank-template-workspace');
  });

  it('hospital: creates a doctor, a patient of that doctor and an appointment for both; validates; edits; moves a card', async () => {
    const page = await session.signIn('newadmin@demo.crm');
    const base = `${session.stack.url}/t/demo-fresh`;

    await page.goto(`${base}/m/doctors`);
    await page.getByText('No doctors yet.').waitFor();
    await screenshot(page, '06-empty-module');
    await page.getByTestId('new-record').click();
    await page.getByTestId('input-full_name').fill('Dr. Ada Lovelace');
    await page.getByTestId('input-specialization').selectOption('Cardiologist');
    await page.getByTestId('input-license_number').fill('LIC-0001');
    await page.getByTestId('input-email').fill('not-an-email');
    await page.getByTestId('input-consultation_fee').fill('150.505');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('error-email').textContent()).toContain('must be an email address');
    await expect.poll(() => page.getByTestId('error-consultation_fee').textContent()).toContain('at most 2 decimal places');
    await screenshot(page, '07-validation-errors');
    await page.getByTestId('input-email').fill('ada@riverside.example');
    await page.getByTestId('input-consultation_fee').fill('150.50');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('record-title').filter({ hasText: 'Dr. Ada Lovelace' }).waitFor();
    await expect.poll(() => page.getByTestId('value-consultation_fee').textContent()).toBe('$150.50');

    // The server's own refusal (a unique value taken) lands on the input too.
    await page.goto(`${base}/m/doctors/new`);
    await page.getByTestId('input-full_name').fill('Dr. Copy Cat');
    await page.getByTestId('input-specialization').selectOption('Neurologist');
    await page.getByTestId('input-license_number').fill('LIC-0001');
    await page.getByTestId('input-email').fill('copy@riverside.example');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('error-license_number').textContent()).toContain('already used by');
    await screenshot(page, '08-server-error-inline');

    await page.goto(`${base}/m/patients/new`);
    await page.getByTestId('input-patient_id').fill('PT-0001');
    await page.getByTestId('input-full_name').fill('Grace Hopper');
    await page.getByTestId('input-date_of_birth').fill('1990-05-01');
    await page.getByTestId('input-phone').fill('+1 555 010 9999');
    await pickRelated(page, 'primary_doctor', 'Ada', 'Dr. Ada Lovelace');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('record-title').filter({ hasText: 'Grace Hopper' }).waitFor();
    await expect.poll(() => page.getByTestId('value-primary_doctor').textContent()).toBe('Dr. Ada Lovelace');

    await page.goto(`${base}/m/appointments/new`);
    await pickRelated(page, 'patient', 'Grace', 'Grace Hopper');
    await pickRelated(page, 'doctor', 'Ada', 'Dr. Ada Lovelace');
    await page.getByTestId('input-appointment_date').fill('2026-12-01T10:30');
    await page.getByTestId('input-reason').fill('Annual check-up');
    await screenshot(page, '09-record-form');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('edit-record').waitFor();
    await expect.poll(() => page.getByTestId('value-patient').textContent()).toBe('Grace Hopper');
    await expect.poll(() => page.getByTestId('value-appointment_date').textContent()).toBe('Dec 1, 2026, 10:30 AM');
    await expect.poll(() => page.getByTestId('value-status').textContent()).toBe('Scheduled');

    // Edit: a bad number is refused inline, a good change is saved.
    await page.getByTestId('edit-record').click();
    await page.getByTestId('input-duration_minutes').fill('half an hour');
    await page.getByTestId('input-reason').fill('Annual check-up and blood tests');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('error-duration_minutes').textContent()).toContain('must be a number');
    await page.getByTestId('input-duration_minutes').fill('45');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('value-reason').textContent()).toBe('Annual check-up and blood tests');
    await expect.poll(() => page.getByTestId('value-duration_minutes').textContent()).toBe('45');
    await screenshot(page, '10-record-detail');

    // The doctor's page lists the records that point at her.
    await page.getByTestId('value-doctor').getByRole('link').click();
    await page.getByTestId('related-appointments').getByRole('link').first().waitFor();
    await expect.poll(() => page.getByTestId('related-patients').textContent()).toContain('Grace Hopper');
    await screenshot(page, '11-related-records');

    // Table: search and a filter on a field.
    await page.goto(`${base}/m/patients`);
    await page.getByTestId('records-table').waitFor();
    await page.getByTestId('search').fill('grace');
    await expect.poll(() => rowsInTable(page)).toBe(1);
    await page.getByTestId('search').fill('');
    await page.getByTestId('add-filter').click();
    await page.getByTestId('filter-field').selectOption('status');
    await page.getByTestId('filter-value').selectOption('Discharged');
    await page.getByTestId('filter-apply').click();
    await page.getByText('Nothing matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear all' }).click();
    await expect.poll(() => rowsInTable(page)).toBe(1);
    await screenshot(page, '12-records-table');

    // Kanban: drag the appointment from Scheduled to Completed.
    await page.goto(`${base}/m/appointments?view=board`);
    const card = page.locator('[data-testid=column-Scheduled] [data-testid^=card-]').first();
    await card.waitFor();
    const target = page.getByTestId('column-Completed');
    const from = await card.boundingBox();
    const to = await target.boundingBox();
    if (!from || !to) throw new Error('board not laid out');
    await page.mouse.move(from.x + from.width / 2, from.y + 20);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 20, from.y + 30, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + 80, { steps: 12 });
    await page.mouse.up();
    await page.locator('[data-testid=column-Completed] [data-testid^=card-]').first().waitFor();
    await page.reload();
    await page.locator('[data-testid=column-Completed] [data-testid^=card-]').first().waitFor();
    expect(await page.locator('[data-testid=column-Scheduled] [data-testid^=card-]').count()).toBe(0);
    await screenshot(page, '13-kanban');

    // File fields say plainly that uploads are off when no Storage bucket is configured (the local stack has none).
    await page.goto(`${base}/m/medical_records/new`);
    await page.getByTestId('file-not-configured').waitFor();
  });

  it('an owner adds, uses, reorders and deactivates a custom field, and creates a custom module', async () => {
    const page = await session.signIn('newadmin@demo.crm');
    const base = `${session.stack.url}/t/demo-fresh`;

    await page.goto(`${base}/admin/fields/patients`);
    await page.getByTestId('add-field').click();
    await page.getByTestId('field-label').fill('Insurance tier');
    // The key follows the label; edited by hand, a bad one is named in plain words.
    expect(await page.getByTestId('field-key').inputValue()).toBe('insurance_tier');
    await page.getByTestId('field-key').fill('Insurance Tier');
    await page.getByTestId('field-type').selectOption('select');
    await page.getByTestId('save-field').click();
    await expect.poll(() => page.getByTestId('field-error-key').textContent()).toBe('Key: use lowercase letters, digits and _, starting with a letter');
    await expect.poll(() => page.getByTestId('field-error-optionsText').textContent()).toContain('add at least one choice');
    await page.getByTestId('field-options').fill('Gold\nSilver\nBronze');
    await page.getByTestId('field-key').fill('insurance_tier');
    await page.getByTestId('save-field').click();
    await page.getByTestId('field-row-insurance_tier').waitFor();
    await screenshot(page, '14-admin-fields');

    // Reorder: move the first field down one place.
    const firstKey = async () => (await page.locator('[data-testid=field-list] li').first().getAttribute('data-testid')) ?? '';
    const before = await firstKey();
    await page.getByTestId(`move-down-${before.replace('field-row-', '')}`).click();
    await expect.poll(firstKey).not.toBe(before);

    // Use it: the new field is in the patient form and on the detail page.
    await page.goto(`${base}/m/patients`);
    await page.getByTestId('record-link').first().click();
    await page.getByTestId('edit-record').click();
    await page.getByTestId('input-insurance_tier').selectOption('Gold');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('value-insurance_tier').textContent()).toBe('Gold');

    // Deactivate: kept data, gone from forms and views.
    await page.goto(`${base}/admin/fields/patients`);
    await page.getByTestId('deactivate-insurance_tier').click();
    await page.getByRole('alertdialog').getByTestId('alert-dialog-confirm').click();
    await page.getByTestId('field-row-insurance_tier').getByText('inactive').waitFor();
    await page.goto(`${base}/m/patients`);
    await page.getByTestId('record-link').first().click();
    await page.getByTestId('value-full_name').waitFor();
    expect(await page.getByTestId('value-insurance_tier').count()).toBe(0);

    // A custom module with statuses gets a sidebar entry, a form and a board.
    await page.getByTestId('nav-admin-module').click();
    await page.getByTestId('create-module').click();
    await expect.poll(() => page.getByTestId('module-error-label').textContent()).toBe('Name of one record is required');
    await page.getByTestId('module-label-plural').fill('Vehicles');
    await page.getByTestId('module-label').fill('Vehicle');
    // Slug and prefix follow the plural name; a field's key follows its label.
    expect(await page.getByTestId('module-slug').inputValue()).toBe('vehicles');
    expect(await page.getByTestId('module-prefix').inputValue()).toBe('VEH');
    await page.getByTestId('module-statuses').fill('available\nsold');
    await page.getByTestId('module-add-field').click();
    await page.getByTestId('module-field-label-1').fill('Price');
    expect(await page.getByTestId('module-field-key-1').inputValue()).toBe('price');
    await page.getByTestId('module-field-type-1').selectOption('currency');
    await screenshot(page, '15-admin-module');
    await page.getByTestId('create-module').click();
    await page.getByTestId('nav-vehicles').waitFor();
    // The singular where one record is meant.
    await expect.poll(() => page.getByTestId('new-record').textContent()).toContain('New Vehicle');
    await page.getByTestId('new-record').click();
    await page.getByTestId('input-name').fill('Delivery van');
    // Typed as it is displayed, with the thousands separator.
    await page.getByTestId('input-price').fill('23,500');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('record-title').filter({ hasText: 'Delivery van' }).waitFor();
    await expect.poll(() => page.getByText('VEH-').first().textContent()).toMatch(/VEH-\d+/);
    await expect.poll(() => page.getByTestId('value-price').textContent()).toMatch(/23,500/);

    // Delete moves it to the trash; the trash lists it and Restore brings it back.
    await page.getByTestId('delete-record').click();
    await page.getByRole('alertdialog').getByTestId('alert-dialog-confirm').click();
    await page.getByText('No vehicles yet.').waitFor();
    await page.getByTestId('trash-toggle').click();
    await page.getByTestId('record-link').first().click();
    await page.getByText('Deleted', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByTestId('edit-record').waitFor();
    expect(await page.getByText('Deleted', { exact: true }).count()).toBe(0);
    await page.getByTestId('nav-vehicles').click();
    await page.getByTestId('view-board').click();
    await page.locator('[data-testid=column-available] [data-testid^=card-]').first().waitFor();
    await screenshot(page, '16-custom-module-board');
  });

  it('a member sees only what the permission matrix allows, and the server refuses the rest', async () => {
    const page = await session.signIn('member@demo.crm');
    await page.getByTestId('tenant-demo-hospital').click();
    await page.getByTestId('nav-patients').waitFor();
    await expect.poll(() => page.getByTestId('user-role').textContent()).toBe('Member');
    expect(await page.getByTestId('nav-admin-fields').count()).toBe(0);

    const memberToken = await session.idToken('member@demo.crm');
    const ownerToken = await session.idToken('owner@demo.crm');
    const list = async (token: string, module: string) => {
      const answer = await callCallable(session.stack, token, 'crmListRecords', { tenantId: 'demo-hospital', module, pageSize: 100 });
      if (!answer.ok) throw new Error(answer.message);
      return answer.result.records as Array<{ id: string; ownerId: string; number: string }>;
    };

    // medical_records is read_own for members: the list holds only their records.
    const mine = await list(memberToken, 'medical_records');
    const all = await list(ownerToken, 'medical_records');
    expect(mine.every((record) => record.ownerId === 'demo-member')).toBe(true);
    expect(all.length).toBeGreaterThan(mine.length);
    await page.getByTestId('nav-medical_records').click();
    await page.getByText('You see only the records you own').waitFor();
    if (mine.length > 0) await page.getByText(`${mine.length} shown`).waitFor();
    else await page.getByText('No medical records yet.').waitFor();
    await screenshot(page, '17-member-read-own');

    // Patients: read all, update only their own, never delete.
    const patients = await list(memberToken, 'patients');
    const foreign = patients.find((record) => record.ownerId !== 'demo-member');
    if (!foreign) throw new Error('the demo has no patient owned by someone else');
    await page.goto(`${session.stack.url}/t/demo-hospital/m/patients/r/${foreign.id}`);
    await page.getByTestId('record-title').waitFor();
    expect(await page.getByTestId('edit-record').count()).toBe(0);
    expect(await page.getByTestId('delete-record').count()).toBe(0);
    await screenshot(page, '18-member-detail');

    const refusedDelete = await callCallable(session.stack, memberToken, 'crmDeleteRecord', { tenantId: 'demo-hospital', recordId: foreign.id });
    expect(refusedDelete).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
    const refusedUpdate = await callCallable(session.stack, memberToken, 'crmUpdateRecord', { tenantId: 'demo-hospital', recordId: foreign.id, expectedVersion: 1, data: { full_name: 'Hacked' } });
    expect(refusedUpdate).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
    const refusedConfig = await callCallable(session.stack, memberToken, 'crmAddField', {
      tenantId: 'demo-hospital',
      module: 'patients',
      field: { key: 'sneaky', label: 'Sneaky', type: 'text' },
    });
    expect(refusedConfig).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });

    // In Spanish, labels resolve with an English fallback.
    await page.getByTestId('language-select').selectOption('es');
    await page.getByText('Cerrar sesión').waitFor();
    await screenshot(page, '19-member-spanish');
  });

  it('the host OS mounts CrmApp with its own signed-in user: no second sign-in', async () => {
    const page = await session.newPage();
    await page.goto(`${session.stack.url}/embed-demo.html?tenant=demo-hospital`);
    await page.getByLabel('host email').fill('admin@demo.crm');
    await page.getByLabel('host password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Enter the OS' }).click();
    const window = page.getByRole('region', { name: 'CRM Pro window' });
    await window.getByTestId('nav-patients').waitFor();
    expect(await page.getByText('Sign in to CRM Pro').count()).toBe(0);
    await expect.poll(() => window.getByTestId('user-role').textContent()).toBe('Admin');
    // The host owns the session and the tenant: the CRM offers neither sign-out nor a tenant switch.
    expect(await window.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await window.getByText('Switch organisation').count()).toBe(0);
    await window.getByTestId('nav-doctors').click();
    await window.getByTestId('record-link').first().waitFor();
    await screenshot(page, '20-embedded-in-host-os');
  });

  it(`a module with ${BULK.count} records scrolls and filters without freezing`, async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.addInitScript(() => {
      const longTasks: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = longTasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const started = Date.now();
    await page.goto(`${session.stack.url}/t/${BULK.tenantId}/m/${BULK.module}`);
    await page.getByTestId('record-link').first().waitFor();
    const firstRowsMs = Date.now() - started;

    // Scroll to the end of what is loaded, again and again, until all pages are in.
    const loadStarted = Date.now();
    const loaded = async () => Number(((await page.getByText(/\d+ shown/).textContent()) ?? '0').replace(/\D.*$/, ''));
    while ((await loaded()) < BULK.count) {
      const count = await loaded();
      await page.getByTestId('records-table').evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      await expect.poll(loaded, { timeout: 15_000 }).toBeGreaterThan(count);
    }
    const allLoadedMs = Date.now() - loadStarted;

    const domRowsWhenAllLoaded = await page.locator('[data-testid=records-table] tbody tr').count();
    expect(domRowsWhenAllLoaded).toBeLessThan(100);

    // Frame pacing over all 5,000 loaded rows: a steady wheel-like scroll, then far jumps.
    const scrolling = await page.getByTestId('records-table').evaluate(async (element) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const run = async (move: (step: number) => void, steps: number) => {
        const gaps: number[] = [];
        let last = performance.now();
        for (let step = 0; step < steps; step += 1) {
          move(step);
          await frame();
          const now = performance.now();
          gaps.push(now - last);
          last = now;
        }
        gaps.sort((a, b) => a - b);
        return { max: Math.round(gaps[gaps.length - 1] ?? 0), p50: Math.round(gaps[Math.floor(gaps.length / 2)] ?? 0), p95: Math.round(gaps[Math.floor(gaps.length * 0.95)] ?? 0) };
      };
      element.scrollTop = 0;
      await frame();
      const steady = await run(() => {
        element.scrollTop += 120;
      }, 150);
      const jumps = await run((step) => {
        element.scrollTop = (element.scrollHeight * ((step * 37) % 120)) / 120;
      }, 120);
      return { steadyScrollFrameMs: steady, jumpScrollFrameMs: jumps };
    });
    await screenshot(page, '21-5000-records');

    const filterStarted = Date.now();
    await page.getByTestId('add-filter').click();
    await page.getByTestId('filter-field').selectOption('category');
    await page.getByTestId('filter-value').selectOption('gamma');
    await page.getByTestId('filter-apply').click();
    await page.getByTestId('filter-chip').waitFor();
    // The table is busy (the previous rows, dimmed) until the filtered list is in; on a loaded machine that can take a while.
    await page.locator('[data-testid=records-table] table[aria-busy]').waitFor({ state: 'detached', timeout: 60_000 });
    // The category column, wherever it is (the table may lead with a selection column).
    const categoryColumn = (await page.locator('[data-testid=records-table] thead th').allTextContents()).findIndex((text) => /category/i.test(text)) + 1;
    expect(categoryColumn).toBeGreaterThan(0);
    await expect.poll(async () => (await page.locator(`[data-testid=records-table] tbody tr td:nth-child(${categoryColumn})`).allTextContents()).every((text) => text === 'gamma')).toBe(true);
    const filterMs = Date.now() - filterStarted;

    const searchStarted = Date.now();
    await page.getByTestId('search').fill('4243');
    await expect.poll(() => rowsInTable(page), { timeout: 15_000 }).toBe(1);
    const searchMs = Date.now() - searchStarted;
    await screenshot(page, '22-5000-filtered');

    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const metrics = {
      records: BULK.count,
      firstRowsMs,
      allPagesLoadedByScrollingMs: allLoadedMs,
      domRowsWhenAllLoaded,
      ...scrolling,
      filterMs,
      searchMs,
      longestTaskMs: Math.max(0, ...longTasks),
      longTasksOver200ms: longTasks.filter((duration) => duration > 200).length,
    };
    console.log('[e2e] 5,000-record module:', JSON.stringify(metrics));
    await writeFile(join(SCREENSHOT_DIR, '..', 'bulk-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    // "Without freezing" is asserted above by what does not depend on the machine: the DOM holds a window
    // of rows (not 5,000), and filter and search answer from the server. Frame and task times depend on the
    // machine's load, so they are measured, printed and written to test-results/bulk-metrics.json, never
    // asserted (a test that passes only on a quiet machine is a broken test).
  });

  it('in Spanish: the choice survives a reload, and form and server errors are said in Spanish', async () => {
    const page = await session.signIn('admin@demo.crm');
    const base = `${session.stack.url}/t/demo-hospital`;
    // A patient whose ID the form will try to reuse: only the server can tell.
    const existing = await session.call('admin@demo.crm', 'crmCreateRecord', {
      tenantId: 'demo-hospital',
      module: 'patients',
      data: { patient_id: 'ES-0001', full_name: 'Lucía Pérez', date_of_birth: '1990-05-04', phone: '+34 600 123 456', status: 'New' },
    });
    if (!existing.ok) throw new Error(`could not create the patient: ${existing.message}`);
    const holder = (existing.result as { record: { number: string } }).record.number;

    await page.goto(`${base}/m/patients/new`);
    await page.getByTestId('language-select').selectOption('es');
    await page.reload();
    await page.getByRole('heading', { name: 'Nuevo: Paciente' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');

    // Client-side: the engine's rule, said in Spanish with the Spanish label.
    await page.getByTestId('input-email').fill('no-es-un-correo');
    // Leaving the input shows its error (the form validates on blur), which moves the submit button: wait for it.
    await page.getByTestId('input-email').blur();
    await expect.poll(() => page.getByTestId('error-email').textContent()).toBe('Correo Electrónico debe ser un correo electrónico como nombre@ejemplo.com');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('error-full_name').textContent()).toBe('Nombre Completo: este dato es obligatorio');
    await screenshot(page, '40-es-form-errors');

    // Server-side: a unique ID already in use comes back as a key with parameters, shown in Spanish.
    await page.getByTestId('input-email').fill('maria@example.com');
    await page.getByTestId('input-patient_id').fill('es-0001');
    await page.getByTestId('input-full_name').fill('María García');
    await page.getByTestId('input-date_of_birth').fill('1988-02-03');
    await page.getByTestId('input-phone').fill('+34 600 999 888');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('error-patient_id').textContent()).toBe(`ID de Paciente ya lo usa ${holder}`);
    await screenshot(page, '41-es-server-error');

    // Filter controls are labelled in Spanish; counts use the right plural.
    await page.goto(`${base}/m/patients`);
    await page.getByText(/^\d+ mostrados?$/).first().waitFor();
    await page.getByTestId('add-filter').click();
    await page.getByRole('combobox', { name: 'Filtrar por campo' }).waitFor();
    await page.getByRole('combobox', { name: 'Condición' }).waitFor();

    // Tenant settings, in Spanish: an unknown time zone is refused before sending.
    await page.goto(`${base}/admin/settings`);
    await page.getByTestId('settings-timezone').fill('Marte/Olimpo');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-timezone-note').textContent()).toBe('«Marte/Olimpo» no es una zona horaria como Europe/Madrid');
    await page.getByTestId('settings-timezone').fill('Europe/Madrid');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await screenshot(page, '42-es-settings');
  });

  it('no screen threw an uncaught error', () => {
    expect(session.pageErrors.flat()).toEqual([]);
  });
});
