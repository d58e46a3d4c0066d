/**
 * Duplicate rules in the browser: an admin defines a fuzzy rule on the
 * patient's name; creating a patient whose name differs only in case, accents
 * and one letter warns with a link to the match, "back" keeps the form, and
 * "create anyway" saves. The same warning in Spanish at phone size.
 */
import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';

const TENANT = 'demo-hospital';
const session = useBrowserSession({ tempPrefix: 'crm-e2e-dup-', failureShotPrefix: 'failed-dup-' });

async function fillPatient(page: Awaited<ReturnType<typeof session.signIn>>, patientId: string, name: string) {
  await page.getByTestId('input-patient_id').fill(patientId);
  await page.getByTestId('input-full_name').fill(name);
  await page.getByTestId('input-date_of_birth').fill('1975-03-09');
  await page.getByTestId('input-phone').fill('+1 555 013 4242');
}

describe('duplicate warnings in the browser', () => {
  it('an admin adds a fuzzy name rule; a near-identical new patient warns with a link to the match, and can be created anyway', async () => {
    const existing = await session.call('admin@demo.crm', 'crmCreateRecord', {
      tenantId: TENANT,
      module: 'patients',
      data: { patient_id: 'P-DUP-1', full_name: 'Ofélia Vantablack', date_of_birth: '1975-03-09', phone: '+1 555 013 4242', status: 'Active' },
    });
    if (!existing.ok) throw new Error(existing.message);
    const existingId = (existing.result.record as { id: string }).id;

    const page = await session.signIn('admin@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/admin/duplicates/patients`);
    await page.getByTestId('duplicate-rules').waitFor();
    await page.getByTestId('rule-add').click();
    await page.getByTestId('rule-name-0').fill('Same name');
    await page.getByTestId('condition-field-0-0').selectOption('full_name');
    await page.getByTestId('condition-match-0-0').selectOption('fuzzy');
    await page.getByTestId('duplicate-rules-save').click();
    await page.getByTestId('duplicate-rules-saved').waitFor();

    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/new`);
    await fillPatient(page, 'P-DUP-2', 'ofelia vantablak');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('duplicate-warning').waitFor();
    const match = page.getByTestId('duplicate-match');
    await expect.poll(() => match.textContent()).toBe('Ofélia Vantablack');
    expect(await match.getAttribute('href')).toContain(`/r/${existingId}`);
    await screenshot(page, 'dup-warning');

    // Back keeps what was typed; a second save asks again, and "create anyway" saves.
    await page.getByTestId('duplicate-back').click();
    await page.getByTestId('duplicate-warning').waitFor({ state: 'detached' });
    expect(await page.getByTestId('input-full_name').inputValue()).toBe('ofelia vantablak');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('duplicate-create-anyway').click();
    await page.getByTestId('record-title').filter({ hasText: 'ofelia vantablak' }).waitFor();

    // A clearly different name saves without a question.
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/new`);
    await fillPatient(page, 'P-DUP-3', 'Bartholomew Quince');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('record-title').filter({ hasText: 'Bartholomew Quince' }).waitFor();
    expect(session.pageErrors.flat()).toEqual([]);
  });

  it('warns in Spanish at phone size, and the dialog fits the screen', async () => {
    // A Spanish browser gets the CRM in Spanish.
    const page = await session.signIn('admin@demo.crm', { context: { viewport: { width: 390, height: 844 }, locale: 'es-ES' } });
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/new`);
    await fillPatient(page, 'P-DUP-4', 'OFELIA VANTABLACK');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('duplicate-warning').waitFor();
    await expect.poll(() => page.getByTestId('duplicate-create-anyway').textContent()).toBe('Crear de todos modos');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(page, 'dup-warning-es-phone');
    expect(session.pageErrors.flat()).toEqual([]);
  });
});
