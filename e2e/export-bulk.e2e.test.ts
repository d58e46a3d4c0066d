import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';
import { callCallable } from './support/crm-rest.js';

/**
 * Export, bulk actions and inline editing on the seeded Hospital demo: an
 * export of a searched and filtered view comes back as a CSV of exactly
 * those rows (a formula cell neutralised); two ticked rows get a new status
 * in one bulk action with its progress and result; a cell edited in the
 * table meets a version conflict, shows the newer value, reloads and saves;
 * a manual workflow runs on two ticked rows as a bulk action and on one
 * record from its page, each run in the record's run log with its task.
 */
const TENANT = 'demo-hospital';
const TAG = 'Zephyrine';
const ids: Record<string, { id: string; version: number }> = {};
const FOLLOW_UP = `${TAG} follow-up`;

const session = useBrowserSession({
  tempPrefix: 'crm-e2e-xb-',
  failureShotPrefix: 'xb-failed-',
  stack: { logLevel: 'warn' },
  setup: async (session) => {
    const owner = await session.idToken('owner@demo.crm');
    const people = [
      { key: 'a', name: `${TAG} Alpha`, status: 'Discharged' },
      { key: 'b', name: `${TAG} Beta`, status: 'Discharged' },
      { key: 'c', name: `=HYPERLINK("http://evil.example","${TAG}")`, status: 'Discharged' },
      { key: 'd', name: `${TAG} Delta`, status: 'New' },
      { key: 'e', name: `${TAG} Epsilon`, status: 'New' },
      { key: 'z', name: `${TAG} Zeta`, status: 'New' },
      { key: 'h', name: `${TAG} Eta`, status: 'New' },
    ];
    for (const [index, person] of people.entries()) {
      const answer = await callCallable(session.stack, owner, 'crmCreateRecord', {
        tenantId: TENANT,
        module: 'patients',
        data: { patient_id: `PT-XB-${index}`, full_name: person.name, date_of_birth: '1980-01-0' + (index + 1), phone: '+1 555 010 77' + index, status: person.status },
      });
      if (!answer.ok) throw new Error(answer.message);
      const record = answer.result.record as { id: string; version: number };
      ids[person.key] = { id: record.id, version: record.version };
    }
    // A workflow users run by hand: a follow-up task for new patients.
    const workflow = await callCallable(session.stack, owner, 'crmSaveWorkflow', {
      tenantId: TENANT,
      module: 'patients',
      definition: {
        name: FOLLOW_UP,
        trigger_type: 'manual',
        trigger_conditions: { field: 'status', operator: 'equals', value: 'New' },
        actions: [{ type: 'create_task', title: 'Follow up {{data.full_name}}' }],
      },
    });
    if (!workflow.ok) throw new Error(workflow.message);
  },
});

describe('export, bulk actions and inline editing in the browser', () => {
  it('exports the searched and filtered view to a CSV of exactly its rows, formula cells neutralised', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('search').fill(TAG);
    await page.getByTestId('add-filter').click();
    await page.getByTestId('filter-field').selectOption('status');
    await page.getByTestId('filter-value').selectOption('Discharged');
    await page.getByTestId('filter-apply').click();
    // Alpha, Beta and the formula-named patient (its name holds the word too); Delta is New.
    await expect.poll(() => page.locator('[data-testid=records-table] tbody tr').count()).toBe(3);
    await page.getByTestId('export-open').click();
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-done').waitFor({ timeout: 30_000 });
    await screenshot(page, 'xb-export-done');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const text = await readFile(await download.path(), 'utf8');
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(text).toContain(`${TAG} Alpha`);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""${TAG}"")"`);
    expect(text).not.toContain(`${TAG} Delta`);
    expect(download.suggestedFilename()).toMatch(/^patients-.*\.csv$/);
  });

  it('bulk-edits the status of two ticked rows, with progress and a result', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('search').fill(`${TAG} `);
    await page.getByTestId('search').fill(TAG);
    // Until the searched list is in, the rows on screen are the previous view's and cannot be ticked: check() waits.
    const rowOf = (name: string) => page.locator('[data-testid=records-table] tbody tr', { hasText: name });
    await rowOf(`${TAG} Alpha`).getByTestId('select-row').check();
    await rowOf(`${TAG} Delta`).getByTestId('select-row').check();
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('2 records selected');
    await page.getByTestId('bulk-edit').click();
    await page.getByTestId('bulk-field').selectOption('status');
    await page.getByTestId('bulk-value').selectOption('Active');
    await page.getByTestId('bulk-edit-apply').click();
    await page.getByTestId('bulk-outcome-updated').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('bulk-outcome-updated').textContent()).toBe('2 changed');
    await screenshot(page, 'xb-bulk-result');
    await page.getByTestId('bulk-close').click();
    await page.getByTestId('bulk-bar').waitFor({ state: 'detached' });
    // Status is not among the default columns: ask the server.
    const admin = await session.idToken('admin@demo.crm');
    for (const key of ['a', 'd', 'b']) {
      const answer = await callCallable(session.stack, admin, 'crmGetRecord', { tenantId: TENANT, recordId: ids[key]!.id });
      if (!answer.ok) throw new Error(answer.message);
      expect({ key, status: (answer.result.record as { data: { status: string } }).data.status }).toEqual({ key, status: key === 'b' ? 'Discharged' : 'Active' });
    }
  });

  it('edits a cell in place: Escape cancels, a refusal shows on the cell, a version conflict shows the newer value and Reload lets it save', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('search').fill(`${TAG} Beta`);
    const row = page.locator('[data-testid=records-table] tbody tr', { hasText: `${TAG} Beta` });
    await expect.poll(() => page.locator('[data-testid=records-table] tbody tr').count()).toBe(1);
    const nameCell = row.locator('td', { hasText: `${TAG} Beta` });

    // Keyboard: focus the name cell, Enter opens the editor, Escape closes it unchanged.
    await nameCell.click();
    await page.getByTestId('inline-input').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('inline-editor').waitFor({ state: 'detached' });
    // Focus returns to the cell, so the arrows below move from it.
    const nameCellId = await nameCell.getAttribute('data-cell');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe(nameCellId);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe(nameCellId);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('inline-editor').getAttribute('aria-label')).toContain('Full Name');
    await page.getByTestId('inline-input').fill('');
    await page.keyboard.press('Enter');
    await page.getByTestId('inline-error').waitFor();

    // Someone else saves the record meanwhile.
    const admin = await session.idToken('admin@demo.crm');
    const current = await callCallable(session.stack, admin, 'crmGetRecord', { tenantId: TENANT, recordId: ids.b!.id });
    if (!current.ok) throw new Error(current.message);
    const version = (current.result.record as { version: number }).version;
    const other = await callCallable(session.stack, admin, 'crmUpdateRecord', { tenantId: TENANT, recordId: ids.b!.id, expectedVersion: version, data: { full_name: `${TAG} Beta by admin` } });
    expect(other.ok).toBe(true);

    await page.getByTestId('inline-input').fill(`${TAG} Beta inline`);
    await page.keyboard.press('Enter');
    await page.getByTestId('inline-conflict').waitFor();
    expect(await page.getByTestId('inline-conflict').textContent()).toContain(`${TAG} Beta by admin`);
    await screenshot(page, 'xb-inline-conflict');
    await page.getByTestId('inline-reload').click();
    await page.getByTestId('inline-conflict').waitFor({ state: 'detached' });
    await page.getByTestId('inline-input').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('inline-editor').waitFor({ state: 'detached' });
    await expect.poll(() => row.textContent()).toContain(`${TAG} Beta inline`);
    const saved = await callCallable(session.stack, admin, 'crmGetRecord', { tenantId: TENANT, recordId: ids.b!.id });
    expect(saved.ok && (saved.result.record as { data: { full_name: string } }).data.full_name).toBe(`${TAG} Beta inline`);
  });

  it('runs a manual workflow on two ticked rows, then on one record from its page; the runs and their tasks show on the records', async () => {
    const page = await session.signIn('admin@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('search').fill(TAG);
    const rowOf = (name: string) => page.locator('[data-testid=records-table] tbody tr', { hasText: name });
    await rowOf(`${TAG} Epsilon`).waitFor();
    await rowOf(`${TAG} Epsilon`).getByTestId('select-row').check();
    await rowOf(`${TAG} Zeta`).getByTestId('select-row').check();
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('2 records selected');
    await page.getByTestId('bulk-run-workflow').click();
    await page.getByTestId('bulk-workflow').waitFor();
    await page.getByTestId('bulk-workflow').selectOption({ label: FOLLOW_UP });
    await page.getByTestId('bulk-run-apply').click();
    await page.getByTestId('bulk-outcome-ran').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('bulk-outcome-ran').textContent()).toBe('2 ran');
    await screenshot(page, 'xb-bulk-run-workflow');
    await page.getByTestId('bulk-close').click();
    await page.getByTestId('bulk-bar').waitFor({ state: 'detached' });

    // The record's run log has the manual run, and its task is there.
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${ids.e!.id}`);
    const runs = page.getByTestId('record-runs');
    await expect.poll(() => runs.getByTestId('run').filter({ hasText: FOLLOW_UP }).count(), { timeout: 30_000 }).toBe(1);
    expect(await runs.getByTestId('run').filter({ hasText: FOLLOW_UP }).textContent()).toContain('run by hand');
    await expect.poll(() => page.getByTestId('record-tasks').textContent()).toContain(`Follow up ${TAG} Epsilon`);

    // One record, from its page: the menu lists the workflow and a toast tells the outcome.
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${ids.h!.id}`);
    await page.getByTestId('run-workflow-menu').click();
    await page.getByRole('menuitem', { name: FOLLOW_UP }).click();
    await page.getByText(`"${FOLLOW_UP}" ran on this record.`).waitFor();
    await expect.poll(() => page.getByTestId('record-runs').getByTestId('run').filter({ hasText: FOLLOW_UP }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('record-tasks').textContent()).toContain(`Follow up ${TAG} Eta`);
    await screenshot(page, 'xb-record-run-workflow');
  });

  it('the record page menu and the bulk bar with "Run a workflow" fit a phone', async () => {
    const page = await session.signIn('admin@demo.crm', { context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${ids.z!.id}`);
    await page.getByTestId('run-workflow-menu').click();
    await page.getByRole('menuitem', { name: FOLLOW_UP }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'xb-phone-run-menu');
    await page.keyboard.press('Escape');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('search').fill(TAG);
    const row = page.locator('[data-testid=records-table] tbody tr', { hasText: `${TAG} Zeta` });
    await row.waitFor();
    await row.getByTestId('select-row').check();
    await page.getByTestId('bulk-run-workflow').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'xb-phone-bulk-bar');
  });
});
