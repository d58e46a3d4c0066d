import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';
import { callCallable } from './support/crm-rest.js';

/**
 * The import wizard on the seeded demo (demo-hospital): upload a CSV, the
 * columns mapped by name, the server's preview marks the bad cells, the job's
 * progress bar runs to the end, the failed rows download as a CSV, and the
 * import is reverted. A member without `create` on doctors sees no Import.
 */
const TENANT = 'demo-hospital';
const DOCTOR = 'Dr. Ingrid Import';

const session = useBrowserSession({
  tempPrefix: 'crm-e2e-imp-',
  failureShotPrefix: 'imp-failed-',
  stack: { logLevel: 'warn' },
  setup: async (session) => {
    const owner = await session.idToken('owner@demo.crm');
    const answer = await callCallable(session.stack, owner, 'crmCreateRecord', {
      tenantId: TENANT,
      module: 'doctors',
      data: { full_name: DOCTOR, specialization: 'Cardiologist', license_number: 'LIC-IMP-1', email: 'ingrid@riverside.example', status: 'Active' },
    });
    if (!answer.ok) throw new Error(answer.message);
  },
});

const CSV = [
  'Patient ID,Full name,Date of birth,Phone,Email,Status,Primary doctor',
  `IMP-1,Irene Import,1980-02-03,+1 555 010 1001,irene@example.com,New,${DOCTOR}`,
  'IMP-2,Ivan Import,03/04/1975,+1 555 010 1002,not-an-email,Active,',
  `IMP-3,Iris Import,1990-05-06,+1 555 010 1003,iris@example.com,Active,${DOCTOR.toLowerCase()}`,
  'IMP-4,Igor Import,1991-07-08,+1 555 010 1004,igor@example.com,New,Dr. Nobody',
  'IMP-5,Ida Import,1992-09-10,+1 555 010 1005,ida@example.com,Discharged,',
].join('\r\n');

describe('import wizard', () => {
  it('maps by name, marks bad cells in the preview, runs the job with a progress bar, gives the failed rows as a CSV, and reverts', async () => {
    const page = await session.signIn('admin@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('import-records').click();
    await page.getByTestId('import-page').waitFor();
    await screenshot(page, 'imp-01-upload');
    await page.getByTestId('import-file').setInputFiles({ name: 'patients.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });

    // Columns named like the fields are mapped already.
    await page.getByTestId('map-0').waitFor();
    expect(await page.getByTestId('map-0').inputValue()).toBe('patient_id');
    expect(await page.getByTestId('map-4').inputValue()).toBe('email');
    expect(await page.getByTestId('map-6').inputValue()).toBe('primary_doctor');
    await page.getByTestId('check-preview').click();
    await expect.poll(() => page.getByTestId('cell-error').count()).toBe(2);
    await expect.poll(async () => (await page.getByTestId('preview-table').textContent()) ?? '').toContain('must be an email address');
    await screenshot(page, 'imp-02-preview-errors');

    await page.getByTestId('start-import').click();
    await page.getByTestId('import-run').waitFor();
    await page.getByRole('progressbar').first().waitFor();
    await page.getByTestId('import-done').waitFor({ timeout: 60_000 });
    const runUrl = page.url();
    expect(runUrl).toMatch(/\/m\/patients\/import\/[A-Za-z0-9]+$/);
    expect(await page.getByTestId('count-created').textContent()).toBe('3');
    expect(await page.getByTestId('count-failed').textContent()).toBe('2');
    await screenshot(page, 'imp-03-done');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-errors').click()]);
    const errorCsv = await readFile(String(await download.path()), 'utf8');
    expect(errorCsv).toContain('IMP-2');
    expect(errorCsv).toContain('IMP-4');
    expect(errorCsv).not.toContain('IMP-1');
    expect(errorCsv).toContain('Dr. Nobody');

    // The imported patient's history says where it came from.
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.locator('tr', { hasText: 'Irene Import' }).getByRole('link').first().click();
    await page.getByTestId('history-import').first().waitFor();

    // The run has its own URL: coming back shows the finished job, and it can be reverted from there.
    await page.goto(runUrl);
    await page.getByTestId('import-done').waitFor();
    await page.getByTestId('revert-import').click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revert' }).click();
    await page.getByTestId('revert-done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('revert-done').textContent()).toContain('3 moved to the trash');
    await screenshot(page, 'imp-04-reverted');
  });

  it('a member whose role may not create doctors gets no Import button, and the server refuses the upload', async () => {
    const page = await session.signIn('member@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/doctors`);
    await page.getByTestId('records-table').waitFor();
    expect(await page.getByTestId('import-records').count()).toBe(0);
    const token = await session.idToken('member@demo.crm');
    const answer = await callCallable(session.stack, token, 'crmStartImportUpload', { tenantId: TENANT, module: 'doctors', fileName: 'd.csv', size: 10 });
    expect(answer.ok).toBe(false);
    expect(answer.ok ? '' : answer.status).toBe('PERMISSION_DENIED');
  });

  it('works on a phone', async () => {
    const page = await session.signIn('admin@demo.crm', { context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/import`);
    await page.getByTestId('import-page').waitFor();
    await page.getByTestId('import-file').setInputFiles({ name: 'patients.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByTestId('map-0').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'imp-05-phone-mapping');
  });
});
