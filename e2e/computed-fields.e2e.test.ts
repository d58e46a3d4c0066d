/**
 * Computed fields and clean data in the browser (issue 15): an admin adds a
 * formula that reads through a relationship (its live preview shows the
 * related value) and sees it computed in the list; adds a roll-up on doctors
 * through the pickers and sees it follow an appointment added in the form;
 * merges three duplicate patients field by field from the list's selection.
 * Then the roll-up pickers at phone size and by keyboard, and in Spanish.
 * axe checks every page a test leaves open (support/browser-session.ts).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';
import { callCallable } from './support/crm-rest.js';
import { pickRelated } from './support/ui.js';

const TENANT = 'demo-hospital';
const DOCTOR = { name: 'Dr. Rolla Upton', fee: 150 };
const PATIENT = 'Ursula Computed';
const REASON = 'Computed fields check';
/** A recompute job runs behind whatever else the shared machine is doing: wait generously, it is not a speed check. */
const JOB_WAIT_MS = 90_000;
const TEST_MS = 240_000;

interface Created {
  readonly id: string;
  readonly number: string;
}

const ids: Record<string, Created> = {};

const session = useBrowserSession({
  tempPrefix: 'crm-e2e-cf-',
  failureShotPrefix: 'cf-failed-',
  stack: { logLevel: 'warn' },
  setup: async (session) => {
    const owner = await session.idToken('owner@demo.crm');
    const create = async (name: string, module: string, data: Record<string, unknown>) => {
      const answer = await callCallable(session.stack, owner, 'crmCreateRecord', { tenantId: TENANT, module, data });
      if (!answer.ok) throw new Error(`${module}: ${answer.message}`);
      ids[name] = answer.result.record as Created;
    };
    await create('doctor', 'doctors', {
      full_name: DOCTOR.name,
      specialization: 'Cardiologist',
      license_number: 'LIC-CF-1',
      email: 'rolla.upton@riverside.example',
      consultation_fee: DOCTOR.fee,
      status: 'Active',
    });
    await create('patient', 'patients', { patient_id: 'PT-CF-0', full_name: PATIENT, date_of_birth: '1979-04-02', phone: '+1 555 010 4000', status: 'Active' });
    // Three records of one person, as an import and two front desks would leave them.
    await create('m1', 'patients', { patient_id: 'PT-CF-1', full_name: 'Merle Dupont', date_of_birth: '1990-06-15', phone: '+1 555 010 1111', email: 'merle@old.example', status: 'Active' });
    await create('m2', 'patients', { patient_id: 'PT-CF-2', full_name: 'Merle Dupont', date_of_birth: '1990-06-15', phone: '+1 555 010 2222', blood_group: 'A+', status: 'Active' });
    await create('m3', 'patients', { patient_id: 'PT-CF-3', full_name: 'Merle Dupond', date_of_birth: '1990-06-15', phone: '+1 555 010 3333', email: 'merle.dupont@new.example', status: 'New' });
    // Patients with the same name (alike) and birth date are likely duplicates.
    const admin = await session.idToken('admin@demo.crm');
    const rules = await callCallable(session.stack, admin, 'crmSaveDuplicateRules', {
      tenantId: TENANT,
      module: 'patients',
      rules: [{ id: 'name-dob', name: 'Same person', conditions: [{ field: 'full_name', match: 'fuzzy' }, { field: 'date_of_birth', match: 'exact' }] }],
    });
    if (!rules.ok) throw new Error(`duplicate rules: ${rules.message}`);
    // The second copy has an appointment: the merge must move it to the record that stays.
    await create('a2', 'appointments', { patient: ids.m2!.id, doctor: ids.doctor!.id, appointment_date: '2026-12-02T09:00:00.000Z', reason: 'Duplicate check', duration_minutes: 20, status: 'Completed' });
    // Created last: the newest appointment, so the formula editor previews on it.
    await create('a1', 'appointments', { patient: ids.patient!.id, doctor: ids.doctor!.id, appointment_date: '2026-12-01T10:30:00.000Z', reason: REASON, duration_minutes: 30, status: 'Scheduled' });
  },
});

const id = (name: string): Created => {
  const created = ids[name];
  if (!created) throw new Error(`${name} was not created in setup`);
  return created;
};

/** The list searched for `search`, its row showing `rowText`, with `column` shown (a new field is not among the default columns). */
async function listWithColumn(page: Page, module: string, search: string, rowText: string, column: string): Promise<void> {
  await page.goto(`${session.stack.url}/t/${TENANT}/m/${module}`);
  await page.getByTestId('search').fill(search);
  await expect.poll(() => page.locator('[data-testid=records-table] tbody tr', { hasText: rowText }).count()).toBeGreaterThan(0);
  await page.getByTestId('columns-button').click();
  const toggle = page.getByTestId(`column-toggle-${column}`);
  if (!(await toggle.isChecked())) await toggle.check();
  await page.keyboard.press('Escape');
}

/** The text of the cell under `column` in the row showing `rowText` (reloaded: the computed value lands after a job or trigger). */
async function cellText(page: Page, search: string, rowText: string, column: string): Promise<string> {
  await page.reload();
  await page.getByTestId('search').fill(search);
  const row = page.locator('[data-testid=records-table] tbody tr', { hasText: rowText }).first();
  await row.waitFor();
  const headers = await page.locator('[data-testid=records-table] thead th').allTextContents();
  const index = headers.findIndex((header) => header.trim().startsWith(column));
  return index < 0 ? `(no column ${column} in ${headers.join(' | ')})` : ((await row.locator('td, th').nth(index).textContent()) ?? '');
}

/** Saves the field editor; it closes once the field is saved and its recompute job started. */
async function saveField(page: Page, key: string): Promise<void> {
  await page.getByTestId('save-field').click();
  await page.getByTestId(`field-row-${key}`).waitFor();
  await page.getByTestId('field-editor').waitFor({ state: 'detached' });
}

/** The doctor's value of `key`, once the recompute job or the record trigger has written `expected` (reloading until then). */
async function expectDoctorValue(page: Page, key: string, expected: string): Promise<void> {
  await page.goto(`${session.stack.url}/t/${TENANT}/m/doctors/r/${id('doctor').id}`);
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId(`value-${key}`).textContent();
      },
      { timeout: JOB_WAIT_MS },
    )
    .toBe(expected);
}

/** Asks the roll-up to count only appointments of at least "abc" minutes: a value the child field can never hold. */
async function saveUnholdableFilterValue(page: Page): Promise<void> {
  await page.getByTestId('rollup-filter-field').selectOption('duration_minutes');
  await page.getByTestId('rollup-filter-operator').selectOption('gte');
  await page.getByTestId('rollup-filter-value').fill('abc');
  await page.getByTestId('save-field').click();
}

async function noSidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe('computed fields and merge in the browser', () => {
  it('an admin adds a formula through a relationship, its preview shows the related value, and the list shows it computed', async () => {
    const page = await session.signIn('admin@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/admin/fields/appointments`);
    await page.getByTestId('add-field').click();
    await page.getByTestId('field-label').fill('Double fee');
    await page.getByTestId('field-type').selectOption('formula');
    await page.getByTestId('formula-result-type').selectOption('currency');
    await page.getByTestId('formula-expression').fill('doctor.consultation_fee * 2');
    // The preview reads the newest appointment's doctor (crmGetRecord as the admin), not blank.
    await expect.poll(() => page.getByTestId('formula-preview-value').textContent()).toBe(`$${(DOCTOR.fee * 2).toFixed(2)}`);
    await screenshot(page, 'cf-01-formula-preview');
    await saveField(page, 'double_fee');

    // Existing appointments get it from the recompute job; the list shows it like any money field.
    await listWithColumn(page, 'appointments', REASON, PATIENT, 'double_fee');
    await expect.poll(() => cellText(page, REASON, PATIENT, 'Double fee'), { timeout: JOB_WAIT_MS }).toContain('$300.00');
    await screenshot(page, 'cf-02-formula-in-list');
    expect(session.pageErrors.flat()).toEqual([]);
  }, TEST_MS);

  it('an admin adds a roll-up on doctors through the pickers and sees it follow an appointment added in the form', async () => {
    const page = await session.signIn('admin@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/admin/fields/doctors`);
    await page.getByTestId('add-field').click();
    await page.getByTestId('field-label').fill('Appointment count');
    await page.getByTestId('field-type').selectOption('rollup');
    // Only relationships that point at doctors are offered.
    const relations = await page.getByTestId('rollup-relation').locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(relations).toContain('appointments.doctor');
    expect(relations).toContain('medical_records.doctor');
    expect(relations.filter((value) => value !== '' && !value.endsWith('.doctor') && !value.endsWith('primary_doctor'))).toEqual([]);
    // Nothing picked: said at the picker, before anything is sent.
    await page.getByTestId('save-field').click();
    await expect.poll(() => page.getByTestId('field-error-rollupRelation').textContent()).toContain('Related records');
    await page.getByTestId('rollup-relation').selectOption('appointments.doctor');
    // A sum offers only numbers and money; the count needs no field.
    await page.getByTestId('rollup-aggregate').selectOption('sum');
    const sumFields = await page.getByTestId('rollup-field').locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(sumFields).toEqual(['', 'duration_minutes']);
    await page.getByTestId('rollup-aggregate').selectOption('count');
    expect(await page.getByTestId('rollup-field').count()).toBe(0);
    await screenshot(page, 'cf-03-rollup-pickers');
    await saveField(page, 'appointment_count');

    // The recompute job gives the existing doctor its count: the two appointments made in setup.
    await listWithColumn(page, 'doctors', DOCTOR.name, DOCTOR.name, 'appointment_count');
    await expect.poll(() => cellText(page, DOCTOR.name, DOCTOR.name, 'Appointment count'), { timeout: JOB_WAIT_MS }).toBe('2');

    // An appointment added in the form: the record trigger keeps the roll-up exact.
    await page.goto(`${session.stack.url}/t/${TENANT}/m/appointments/new`);
    await pickRelated(page, 'patient', 'Ursula', PATIENT);
    await pickRelated(page, 'doctor', 'Rolla', DOCTOR.name);
    await page.getByTestId('input-appointment_date').fill('2026-12-03T11:00');
    await page.getByTestId('input-reason').fill('Roll-up follow-up');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('edit-record').waitFor();
    await expectDoctorValue(page, 'appointment_count', '3');
    await screenshot(page, 'cf-04-rollup-followed');
    expect(session.pageErrors.flat()).toEqual([]);
  }, TEST_MS);

  it('three duplicate patients are merged from the list selection, field by field: the chosen values stay, the copies are gone and their appointment moved', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('search').fill('Merle');
    const rowOf = (phone: string) => page.locator('[data-testid=records-table] tbody tr', { hasText: phone });
    await expect.poll(() => page.locator('[data-testid=records-table] tbody tr', { hasText: 'Merle' }).count()).toBe(3);
    for (const phone of ['1111', '2222', '3333']) await rowOf(phone).getByTestId('select-row').check();
    await page.getByTestId('merge-records').click();
    await page.getByTestId('merge-form').waitFor();
    const [m1, m2, m3] = [id('m1'), id('m2'), id('m3')];
    await page.getByTestId(`merge-winner-${m1.number}`).check();
    await page.getByTestId(`merge-pick-phone-${m2.number}`).check();
    await page.getByTestId(`merge-pick-blood_group-${m2.number}`).check();
    await page.getByTestId(`merge-pick-email-${m3.number}`).check();
    await page.getByTestId(`merge-pick-status-${m3.number}`).check();
    await screenshot(page, 'cf-06-merge-three');
    await page.getByTestId('merge-submit').click();

    // The job ends on the record that stays, with the values picked from each copy.
    await page.waitForURL(new RegExp(`/m/patients/r/${m1.id}$`), { timeout: 60_000 });
    await expect.poll(() => page.getByTestId('value-phone').textContent()).toContain('2222');
    await expect.poll(() => page.getByTestId('value-email').textContent()).toBe('merle.dupont@new.example');
    await expect.poll(() => page.getByTestId('value-blood_group').textContent()).toBe('A+');
    await expect.poll(() => page.getByTestId('value-status').textContent()).toBe('New');
    await expect.poll(() => page.getByTestId('value-full_name').textContent()).toBe('Merle Dupont');
    await screenshot(page, 'cf-06b-merged');

    // The copies are in the trash, and the appointment of the second one points at the record that stays.
    for (const loser of [m2, m3]) {
      const answer = await session.call('owner@demo.crm', 'crmGetRecord', { tenantId: TENANT, recordId: loser.id });
      if (!answer.ok) throw new Error(answer.message);
      expect((answer.result.record as { deleted: boolean }).deleted).toBe(true);
    }
    const moved = await session.call('owner@demo.crm', 'crmGetRecord', { tenantId: TENANT, recordId: id('a2').id });
    if (!moved.ok) throw new Error(moved.message);
    expect((moved.result.record as { data: { patient: string } }).data.patient).toBe(m1.id);
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('search').fill('Merle');
    await expect.poll(() => page.locator('[data-testid=records-table] tbody tr', { hasText: 'Merle' }).count()).toBe(1);
    expect(session.pageErrors.flat()).toEqual([]);
  }, TEST_MS);

  it('the roll-up pickers work at phone size and by keyboard: a filtered sum of minutes', async () => {
    const page = await session.signIn('admin@demo.crm', { context: { viewport: { width: 390, height: 844 } } });
    await page.goto(`${session.stack.url}/t/${TENANT}/admin/fields/doctors`);
    await page.getByTestId('add-field').click();
    await page.getByTestId('field-label').fill('Completed minutes');
    await page.getByTestId('field-type').selectOption('rollup');
    await page.getByTestId('rollup-relation').selectOption('appointments.doctor');
    await page.getByTestId('rollup-aggregate').selectOption('sum');
    // Tab order follows the form: calculation → field → filter field.
    await page.getByTestId('rollup-aggregate').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('rollup-field');
    await page.getByTestId('rollup-field').selectOption('duration_minutes');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('rollup-filter-field');
    // A value the child field can never hold: the server refuses it, said at the value input.
    await saveUnholdableFilterValue(page);
    await expect.poll(() => page.getByTestId('field-error-rollupFilterValue').textContent()).toContain('number');
    await page.getByTestId('rollup-filter-field').selectOption('status');
    // A select child field: its choices, with the list filter's operators for it.
    const operators = await page.getByTestId('rollup-filter-operator').locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(operators).toEqual(['eq']);
    await page.getByTestId('rollup-filter-value').selectOption('Completed');
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(1);
    await screenshot(page, 'cf-07-rollup-phone');
    await saveField(page, 'completed_minutes');
    // One completed appointment of 20 minutes (the one moved by the merge).
    await expectDoctorValue(page, 'completed_minutes', '20');
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(1);
    expect(session.pageErrors.flat()).toEqual([]);
  }, TEST_MS);

  it('in Spanish: the pickers, their errors and a filtered count', async () => {
    const page = await session.signIn('admin@demo.crm', { context: { locale: 'es-ES' } });
    await page.goto(`${session.stack.url}/t/${TENANT}/admin/fields/doctors`);
    await page.getByTestId('add-field').click();
    await page.getByTestId('field-label').fill('Citas programadas');
    await page.getByTestId('field-type').selectOption('rollup');
    await page.getByText('Registros relacionados', { exact: true }).waitFor();
    await page.getByTestId('rollup-relation').selectOption('appointments.doctor');
    await page.getByTestId('rollup-aggregate').selectOption('max');
    await page.getByTestId('save-field').click();
    await expect.poll(() => page.getByTestId('field-error-rollupField').textContent()).toContain('Campo a calcular');
    await page.getByTestId('rollup-aggregate').selectOption('count');
    // A filter value the child field can never hold is said in Spanish, by the field's own value check.
    await saveUnholdableFilterValue(page);
    await expect.poll(() => page.getByTestId('field-error-rollupFilterValue').textContent()).toMatch(/^Valor debe ser un número/);
    await page.getByTestId('rollup-filter-field').selectOption('status');
    await page.getByTestId('rollup-filter-value').selectOption('Scheduled');
    await expect.poll(() => page.getByTestId('rollup-stores').textContent()).toBe('Guarda: Número');
    await screenshot(page, 'cf-08-rollup-es');
    await saveField(page, 'citas_programadas');
    // Scheduled: the setup's appointment and the one added in the form.
    await expectDoctorValue(page, 'citas_programadas', '2');
    expect(session.pageErrors.flat()).toEqual([]);
  }, TEST_MS);
});
