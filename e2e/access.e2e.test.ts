/**
 * Field-level security and the permission editor in the browser: an admin
 * hides a field from members, previews the CRM as a member and does not see
 * it (nor can change anything), ends the preview, and finds the change in the
 * audit log. Also at phone size.
 */
import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';

const TENANT = 'demo-hospital';
const SECRET = 'Confidential Mutual E2E';

const session = useBrowserSession({ tempPrefix: 'crm-e2e-access-', failureShotPrefix: 'failed-access-' });

describe('permissions in the browser', () => {
  it('an admin hides a field from members, previews as member and does not see it', async () => {
    const created = await session.call('admin@demo.crm', 'crmCreateRecord', {
      tenantId: TENANT,
      module: 'patients',
      data: { patient_id: 'P-E2E-FLS', full_name: 'Hidden Field Patient', date_of_birth: '1980-01-02', phone: '+1 555 0199', status: 'Active', insurance_provider: SECRET },
    });
    if (!created.ok) throw new Error(created.message);
    const recordId = (created.result.record as { id: string }).id;

    const page = await session.signIn('admin@demo.crm');
    await page.getByTestId(`tenant-${TENANT}`).click();
    await page.getByTestId('nav-admin-permissions').click();
    await page.getByTestId('access-role').selectOption('member');
    await page.getByTestId('access-module').selectOption('patients');
    await page.getByTestId('field-level-insurance_provider').selectOption('none');
    await page.getByTestId('access-save').click();
    await page.getByTestId('access-saved').waitFor();

    // The admin still sees it.
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${recordId}`);
    await expect.poll(() => page.getByTestId('value-insurance_provider').textContent()).toContain(SECRET);

    await page.getByTestId('nav-admin-permissions').click();
    await page.getByTestId('access-role').selectOption('member');
    await page.getByTestId('access-preview').click();
    await page.getByTestId('preview-banner').waitFor();
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${recordId}`);
    await page.getByTestId('record-title').filter({ hasText: 'Hidden Field Patient' }).waitFor();
    expect(await page.getByTestId('value-insurance_provider').count()).toBe(0);
    expect(await page.content()).not.toContain(SECRET);
    // Members see no admin section in the preview.
    expect(await page.getByTestId('nav-admin-permissions').count()).toBe(0);

    // A search for the hidden value finds nothing in the preview.
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients`);
    await page.getByTestId('search').fill('Confidential');
    await expect.poll(() => page.locator('tbody tr').filter({ hasText: 'Hidden Field Patient' }).count()).toBe(0);

    await page.getByTestId('preview-exit').click();
    await page.getByTestId('access-matrix').waitFor();
    expect(await page.getByTestId('preview-banner').count()).toBe(0);

    await page.getByTestId('nav-admin-audit').click();
    await page.getByTestId('audit-kind').selectOption('permissions');
    await page.getByTestId('audit-apply').click();
    await expect.poll(() => page.locator('[data-testid=audit-entry][data-kind=permissions]').count()).toBeGreaterThan(0);
    expect(session.pageErrors.flat()).toEqual([]);
  });

  it('a field read-only for members is shown on their form, not as an input, and the rest of the form saves without it', async () => {
    const admin = await session.signIn('admin@demo.crm');
    await admin.getByTestId(`tenant-${TENANT}`).click();
    await admin.getByTestId('nav-admin-permissions').click();
    await admin.getByTestId('access-role').selectOption('member');
    await admin.getByTestId('access-module').selectOption('patients');
    await admin.getByTestId('field-level-emergency_contact').selectOption('read');
    await admin.getByTestId('access-save').click();
    await admin.getByTestId('access-saved').waitFor();

    // The member's own patient (members update their own records only), with the field set by an admin.
    const created = await session.call('member@demo.crm', 'crmCreateRecord', {
      tenantId: TENANT,
      module: 'patients',
      data: { patient_id: 'P-E2E-RO', full_name: 'Read Only Field Patient', date_of_birth: '1981-02-03', phone: '+1 555 0177', status: 'Active' },
    });
    if (!created.ok) throw new Error(created.message);
    const recordId = (created.result.record as { id: string }).id;
    const member = await session.signIn('member@demo.crm');
    await member.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${recordId}/edit`);
    await member.getByTestId('record-form').waitFor();
    await member.getByTestId('readonly-emergency_contact').waitFor();
    expect(await member.getByTestId('input-emergency_contact').count()).toBe(0);
    expect(await member.getByTestId('readonly-emergency_contact').textContent()).toContain('Read-only for your role.');
    await screenshot(member, 'access-readonly-field');
    // The rest of the form still saves: the read-only field is not sent.
    await member.getByTestId('input-full_name').fill('Read Only Field Patient Renamed');
    await member.getByTestId('submit-record').click();
    await member.getByTestId('record-title').filter({ hasText: 'Read Only Field Patient Renamed' }).waitFor();
    expect(session.pageErrors.flat()).toEqual([]);
  });

  it('the permission editor and the audit log work at phone size', async () => {
    const page = await session.signIn('admin@demo.crm', { context: { viewport: { width: 390, height: 844 } } });
    await page.getByTestId(`tenant-${TENANT}`).click();
    await page.goto(`${session.stack.url}/t/${TENANT}/admin/permissions`);
    await page.getByTestId('access-matrix').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.goto(`${session.stack.url}/t/${TENANT}/admin/audit`);
    await page.getByTestId('audit-list').waitFor();
    expect(session.pageErrors.flat()).toEqual([]);
  });
});
