import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';
import { callCallable } from './support/crm-rest.js';
import { pickRelated } from './support/ui.js';

/**
 * Workflows in the browser, on the seeded demo (Riverside General Hospital):
 * the template's confirmation mail reaches the outbox filled in, and an
 * admin lists, switches, previews, dry-runs and reads the history of it.
 */
const TENANT = 'demo-hospital';
const PATIENT = { name: 'Wanda Workflow', email: 'wanda.workflow@patients.example' };
const DOCTOR = { name: 'Dr. Otto Mailer', email: 'otto.mailer@riverside.example' };

let appointmentId = '';

const session = useBrowserSession({
  tempPrefix: 'crm-e2e-wf-',
  failureShotPrefix: 'wf-failed-',
  stack: { logLevel: 'warn' },
  setup: async (session) => {
    // The patient and doctor exist already; the appointment is what the test creates in the form.
    const owner = await session.idToken('owner@demo.crm');
    await create(owner, 'patients', { patient_id: 'PT-WF-1', full_name: PATIENT.name, date_of_birth: '1985-03-14', phone: '+1 555 010 4242', email: PATIENT.email, status: 'Active' });
    await create(owner, 'doctors', { full_name: DOCTOR.name, specialization: 'Cardiologist', license_number: 'LIC-WF-1', email: DOCTOR.email, status: 'Active' });
  },
});

async function create(token: string, module: string, data: Record<string, unknown>): Promise<string> {
  const answer = await callCallable(session.stack, token, 'crmCreateRecord', { tenantId: TENANT, module, data });
  if (!answer.ok) throw new Error(`${module}: ${answer.message}`);
  return (answer.result.record as { id: string }).id;
}

describe('workflows in the browser', () => {
  it("creating a Hospital appointment with status Scheduled puts the confirmation mail in the outbox with the patient's address and the doctor's name filled in", async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/appointments/new`);
    await pickRelated(page, 'patient', 'Wanda', PATIENT.name);
    await pickRelated(page, 'doctor', 'Otto', DOCTOR.name);
    await page.getByTestId('input-appointment_date').fill('2026-12-01T10:30');
    await page.getByTestId('input-reason').fill('Workflow check-up');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('edit-record').waitFor();
    await expect.poll(() => page.getByTestId('value-status').textContent()).toBe('Scheduled');
    appointmentId = /\/r\/([^/?#]+)/.exec(page.url())?.[1] ?? '';
    expect(appointmentId).not.toBe('');

    // The record page shows the run the creation started (the workflow runs just after the write).
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByTestId('record-runs').waitFor();
        return page.getByTestId('record-runs').textContent();
      })
      .toContain('Appointment Confirmation');
    await expect.poll(() => page.getByTestId('record-runs').getByTestId('run').first().textContent()).toContain('Success');
    await screenshot(page, 'wf-01-record-runs');

    await page.getByTestId('nav-admin-outbox').click();
    // The patient also got the template's welcome mail when created; the confirmation is one mail of its own.
    const mail = page
      .getByTestId('mail')
      .filter({ has: page.getByTestId('mail-to').getByText(PATIENT.email, { exact: true }) })
      .filter({ has: page.getByTestId('mail-subject').getByText('Appointment Confirmed', { exact: true }) });
    await mail.first().waitFor();
    expect(await mail.count()).toBe(1);
    expect(await mail.getByTestId('mail-body').textContent()).toContain(DOCTOR.name);
    expect(await mail.getByTestId('mail-record').getAttribute('href')).toBe(`/t/${TENANT}/m/appointments/r/${appointmentId}`);
    await mail.scrollIntoViewIfNeeded();
    await screenshot(page, 'wf-02-outbox');
  });

  it('an admin switches the confirmation off and on, previews its email and dry-runs it against the appointment, and reads its run history', async () => {
    const page = await session.signIn('admin@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}`);
    await page.getByTestId('nav-admin-workflows').click();
    await page.getByTestId('workflows-module').selectOption('appointments');
    const row = page.getByTestId('workflow-row').filter({ hasText: 'Appointment Confirmation' });
    await row.waitFor();
    expect(await page.getByTestId('workflow-row').count()).toBe(3);

    // Off, still off after a reload (saved), then on again.
    await expect.poll(() => row.getByTestId('workflow-state').textContent()).toBe('On');
    await row.getByTestId('workflow-toggle').click({ force: true });
    await expect.poll(() => row.getByTestId('workflow-state').textContent()).toBe('Off');
    await page.reload();
    await expect.poll(() => row.getByTestId('workflow-state').textContent()).toBe('Off');
    await expect.poll(() => row.getByTestId('workflow-toggle').isChecked()).toBe(false);
    await screenshot(page, 'wf-03-workflow-list-off');
    await row.getByTestId('workflow-toggle').click({ force: true });
    await expect.poll(() => row.getByTestId('workflow-state').textContent()).toBe('On');
    await page.reload();
    await expect.poll(() => row.getByTestId('workflow-toggle').isChecked()).toBe(true);

    await row.getByTestId('workflow-link').click();
    await expect.poll(() => page.getByTestId('workflow-title').textContent()).toBe('Appointment Confirmation');
    await expect.poll(() => page.getByTestId('action-to-0').inputValue()).toBe('{{data.patient.email}}');
    await expect.poll(() => page.getByTestId('condition-value-0').inputValue()).toBe('Scheduled');

    // Preview the email against the appointment created above.
    await expect.poll(() => page.getByTestId('test-record').locator(`option[value="${appointmentId}"]`).count()).toBe(1);
    await page.getByTestId('test-record').selectOption(appointmentId);
    await page.getByTestId('preview-email-0').click();
    const preview = page.getByTestId('email-preview-0');
    await expect.poll(() => preview.getByTestId('mail-to').textContent()).toBe(PATIENT.email);
    expect(await preview.getByTestId('mail-body').textContent()).toContain(DOCTOR.name);
    await preview.scrollIntoViewIfNeeded();
    await screenshot(page, 'wf-04-builder-email-preview');

    // Dry run: would run, the condition leaf holds, the mail would go to the patient; nothing is sent.
    await page.getByTestId('test-workflow').click();
    const result = page.getByTestId('dry-run-result');
    await expect.poll(() => result.getByTestId('dry-run-verdict').textContent()).toContain('this workflow would run');
    expect(await result.getByTestId('outcome-0').textContent()).toContain('Would run');
    expect(await result.getByTestId('outcome-0').getByTestId('mail-to').textContent()).toBe(PATIENT.email);
    await screenshot(page, 'wf-05-dry-run');

    // History of this workflow: the run for the appointment, with its action's outcome.
    const history = page.getByTestId('run-history-card');
    await history.scrollIntoViewIfNeeded();
    const run = history.getByTestId('run').filter({ hasText: 'Success' }).first();
    await run.waitFor();
    await run.locator('summary').click();
    await expect.poll(() => run.getByTestId('outcome-0').textContent()).toContain(`Queued for ${PATIENT.email}`);
    await screenshot(page, 'wf-06-run-history');

    // A mistake is refused where it was made, in words (the server's schema, run in the browser).
    await page.getByTestId('action-subject-0').fill('   ');
    await page.getByTestId('save-workflow').click();
    await expect.poll(() => page.getByTestId('error-action-subject-0').textContent()).toBe('must not be empty');
    await page.getByTestId('action-subject-0').scrollIntoViewIfNeeded();
    await screenshot(page, 'wf-07-builder-validation');
    // What only the server knows (the module's fields) lands on the input too.
    await page.getByTestId('action-subject-0').fill('Confirmed {{data.nope}}');
    await page.getByTestId('save-workflow').click();
    await expect.poll(() => page.getByTestId('error-action-subject-0').textContent()).toContain('{{data.nope}}');
    expect(await page.getByTestId('workflow-saved').count()).toBe(0);

    // A new workflow from scratch: saved, listed, deleted.
    await page.getByTestId('nav-admin-workflows').click();
    await page.getByTestId('workflows-module').selectOption('appointments');
    await page.getByTestId('new-workflow').click();
    await page.getByTestId('workflow-name').fill('Completed: ask for feedback');
    await page.getByTestId('trigger-type').selectOption('status_changed');
    await page.getByTestId('trigger-to').getByText('Completed').click();
    await page.getByTestId('add-condition').click();
    await page.getByTestId('condition-field-0').selectOption('doctor.specialization');
    await page.getByTestId('condition-operator-0').selectOption('equals');
    await page.getByTestId('condition-value-0').selectOption('Cardiologist');
    await page.getByTestId('action-type-0').selectOption('create_task');
    await page.getByTestId('action-title-0').fill('Ask ');
    await page.getByTestId('insert-field-0').selectOption('{{data.patient.full_name}}');
    await expect.poll(() => page.getByTestId('action-title-0').inputValue()).toBe('Ask {{data.patient.full_name}}');
    await page.getByTestId('save-workflow').click();
    await page.getByTestId('workflow-saved').waitFor();
    await expect.poll(() => page.getByTestId('workflow-title').textContent()).toBe('Completed: ask for feedback');
    expect(page.url()).toMatch(/\/admin\/workflows\/appointments\/w\/[^/]+$/);
    await screenshot(page, 'wf-08-new-workflow-saved');
    await page.getByTestId('delete-workflow').click();
    await page.getByRole('alertdialog').getByTestId('alert-dialog-confirm').click();
    await page.getByTestId('workflow-list').waitFor();
    await expect.poll(() => page.getByTestId('workflow-row').count()).toBe(3);
  });

  it('a no-show creates a task: on the record, in Tasks, and ticked off there; members see Tasks but no admin screens', async () => {
    const ownerToken = await session.idToken('owner@demo.crm');
    const current = await callCallable(session.stack, ownerToken, 'crmGetRecord', { tenantId: TENANT, recordId: appointmentId });
    if (!current.ok) throw new Error(current.message);
    const version = (current.result.record as { version: number }).version;
    const moved = await callCallable(session.stack, ownerToken, 'crmUpdateRecord', { tenantId: TENANT, recordId: appointmentId, expectedVersion: version, data: { status: 'No-Show' } });
    if (!moved.ok) throw new Error(moved.message);

    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/appointments/r/${appointmentId}`);
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByTestId('record-tasks').waitFor();
        return page.getByTestId('record-tasks').textContent();
      })
      .toContain(`Call ${PATIENT.name} to reschedule`);
    await screenshot(page, 'wf-09-record-tasks');

    await page.getByTestId('open-tasks').click();
    const task = page.getByTestId('task').filter({ hasText: `Call ${PATIENT.name}` });
    await task.waitFor();
    await screenshot(page, 'wf-10-tasks');
    await task.getByTestId('task-done').click();
    await task.waitFor({ state: 'detached' });

    const member = await session.signIn('member@demo.crm');
    await member.goto(`${session.stack.url}/t/${TENANT}`);
    await member.getByTestId('open-tasks').waitFor();
    expect(await member.getByTestId('nav-admin-workflows').count()).toBe(0);
    expect(await member.getByTestId('nav-admin-outbox').count()).toBe(0);
    await member.goto(`${session.stack.url}/t/${TENANT}/admin/outbox`);
    await member.getByText('Only owners and admins can manage workflows.').waitFor();
    await member.getByTestId('language-select').selectOption('es');
    await member.getByTestId('open-tasks').click();
    await member.getByRole('heading', { name: 'Mis tareas' }).waitFor();
    await screenshot(member, 'wf-11-member-tasks-es');
  });

  it('no screen threw an uncaught error', () => {
    expect(session.pageErrors.flat()).toEqual([]);
  });
});
