import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';

/**
 * The template lifecycle end to end: a super admin publishes Hospital 1.1.0
 * from the console (a new field, a renamed status with its data migration),
 * the hospital tenant's admin previews and applies the upgrade, and the
 * records show the result. Members are refused the console by the server.
 */
const TENANT = 'demo-hospital';

/** A patient stored as "Discharged" before the upgrade; the migration must move it to "Released". */
let dischargedId = '';

const session = useBrowserSession({
  tempPrefix: 'crm-e2e-lifecycle-',
  failureShotPrefix: 'failed-lifecycle-',
  // A private copy of the built SPA: a rebuild of web/dist during the run would otherwise break lazy chunks mid-test.
  privateWebDist: true,
  setup: async (session) => {
    // Make sure at least one hospital patient is "Discharged" before the upgrade.
    const listed = await session.call('admin@demo.crm', 'crmListRecords', { tenantId: TENANT, module: 'patients', pageSize: 5 });
    if (!listed.ok) throw new Error(`crmListRecords failed: ${listed.message}`);
    const patient = (listed.result.records as Array<{ id: string; version: number; data: Record<string, unknown> }>)[0];
    if (!patient) throw new Error('the demo hospital has no patients');
    dischargedId = patient.id;
    if (patient.data.status !== 'Discharged') {
      const updated = await session.call('admin@demo.crm', 'crmUpdateRecord', { tenantId: TENANT, recordId: patient.id, expectedVersion: patient.version, data: { status: 'Discharged' } });
      if (!updated.ok) throw new Error(`crmUpdateRecord failed: ${updated.message}`);
    }
    // The tenant's own change since it chose the template; the new version changes the same label (a conflict).
    const renamed = await session.call('admin@demo.crm', 'crmUpdateField', { tenantId: TENANT, module: 'patients', key: 'full_name', changes: { label: 'Patient name' } });
    if (!renamed.ok) throw new Error(`crmUpdateField failed: ${renamed.message}`);
  },
});

describe('template lifecycle in the browser', () => {
  it('a super admin publishes a new Hospital version adding a field and renaming a status', async () => {
    const page = await session.signIn('superadmin@demo.crm');
    await page.getByTestId('open-template-console').click();
    await page.getByTestId('console-template-hospital').waitFor();
    await expect.poll(async () => Number(await page.getByTestId('tenants-hospital').textContent())).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'console-01-templates');

    await page.getByTestId('open-template-hospital').click();
    await page.getByTestId('template-versions').waitFor();
    expect(Number(await page.getByTestId('usage-1.0.0').textContent())).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'console-02-template');

    await page.getByTestId('draft-from-version').click();
    await page.getByTestId('draft-general').waitFor();
    expect(await page.getByTestId('draft-version').inputValue()).toBe('1.1.0');
    await page.getByTestId('module-editor-patients').waitFor();

    // A broken edit first: the validator's error lands on the new field's key input.
    const rowsBefore = await page.locator('[data-testid^=field-row-]').count();
    await page.getByTestId('new-field-key').fill('Ward Name');
    await page.getByTestId('new-field-label-en').fill('Ward');
    await page.getByTestId('new-field-label-es').fill('Sala');
    await page.getByTestId('new-field-type').selectOption('text');
    await page.getByTestId('add-field').click();
    const row = page.getByTestId(`field-row-${rowsBefore}`);
    await expect.poll(() => row.locator('.field-error').first().textContent()).toContain('lower snake_case');
    expect(await page.getByTestId(`field-key-${rowsBefore}`).getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.getByTestId('draft-errors').textContent()).toContain(`field_schemas.patients[${rowsBefore}].key`);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-03-field-error');

    await page.getByTestId(`field-key-${rowsBefore}`).fill('ward');
    expect(await page.getByTestId('field-key-1').inputValue()).toBe('full_name');
    await page.getByTestId('field-label-en-1').fill('Full name');
    await page.getByTestId('status-Discharged').fill('Released');
    await page.getByTestId('status-Discharged').press('Enter');
    await page.getByTestId('status-Released').waitFor();
    await expect.poll(() => page.getByTestId('draft-status').textContent()).toBe('Valid');
    await expect.poll(() => page.getByTestId('draft-migrations').textContent()).toContain('"Discharged":"Released"');

    // The JSON view holds the same draft; a broken edit there is listed at its path and marked on its line.
    await page.getByTestId('view-json').click();
    const json = await page.getByTestId('json-text').inputValue();
    expect(json).toContain('"type": "map_values"');
    expect(json).toContain('"key": "ward"');
    await page.getByTestId('json-text').fill(json.replace('"version": "1.1.0"', '"version": "1.1"'));
    await page.getByTestId('json-apply').click();
    await expect.poll(() => page.getByTestId('json-errors').textContent()).toContain('must be a semantic version');
    expect(await page.locator('.json-line-error').count()).toBeGreaterThan(0);
    await page.locator('.console-error').filter({ hasText: 'version' }).first().click();
    await screenshot(page, 'console-04-json-error');
    await page.getByTestId('json-text').fill(json);
    await page.getByTestId('json-apply').click();
    await expect.poll(() => page.getByTestId('draft-status').textContent()).toBe('Valid');

    await page.getByTestId('save-draft').click();
    await page.getByTestId('draft-saved').waitFor();
    await expect.poll(() => page.getByTestId('draft-changes').textContent()).toContain('ward');
    await page.getByTestId('view-form').click();
    await screenshot(page, 'console-05-draft-saved');

    await page.getByTestId('publish-draft').click();
    await page.getByTestId('confirm-publish').click();
    await expect.poll(() => page.getByRole('dialog').locator('.field-error').textContent()).toContain('must say what changed');
    await page.getByTestId('change-note').fill('Patients: a Ward field; "Discharged" is now "Released".');
    await screenshot(page, 'console-06-publish');
    await page.getByTestId('confirm-publish').click();
    await page.getByTestId('published-note').waitFor();
    await page.getByTestId('usage-1.1.0').waitFor();
    expect(await page.getByTestId('template-versions').textContent()).toContain('Ward field');
    await screenshot(page, 'console-07-published');
  });

  it('a tenant admin previews and applies the upgrade; the records show the renamed status and the new field', async () => {
    const page = await session.signIn('admin@demo.crm');
    await page.getByTestId(`tenant-${TENANT}`).click();
    const banner = page.getByTestId('upgrade-banner');
    await expect.poll(() => banner.textContent()).toContain('1.1.0 is available');
    await screenshot(page, 'upgrade-01-banner');

    await page.getByTestId('review-upgrade').click();
    await page.getByTestId('upgrade-preview').waitFor();
    await expect.poll(() => page.getByTestId('changes-add').textContent()).toContain('ward');
    expect(await page.getByTestId('upgrade-migrations').textContent()).toContain('Discharged → Released');
    await expect.poll(async () => Number(/(\d+) records/.exec((await page.getByTestId('records-to-migrate').textContent()) ?? '')?.[1])).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('switch-template-reason').textContent()).toContain('already has records');
    // Merged three ways: the tenant's label is kept unless the admin takes the new version's.
    const conflict = page.getByTestId('conflict-modules.patients.fields.full_name.label.en');
    await expect.poll(() => conflict.textContent()).toContain('Your change is kept');
    expect(await conflict.getByLabel('Keep mine').isChecked()).toBe(true);
    await conflict.getByLabel('Take the new version').check();
    await expect.poll(() => conflict.textContent()).toContain('The new version is taken');
    await screenshot(page, 'upgrade-02-preview');

    await page.getByTestId('apply-upgrade').click();
    const progress = page.getByTestId('migration-progress');
    await progress.waitFor();
    // The walk over the records ends in `settle` (the job then waits out other instances' config caches before `done`).
    await expect.poll(async () => (await progress.getAttribute('data-phase')) === 'settle' || (await progress.getAttribute('data-status')) === 'done', { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('migration-state').textContent()).toMatch(/All records migrated|Migration finished/);
    await screenshot(page, 'upgrade-03-progress');

    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${dischargedId}`);
    await expect.poll(() => page.getByTestId('value-status').textContent()).toBe('Released');
    await page.getByTestId('value-ward').waitFor();
    expect(await page.locator('.detail-fields').textContent()).toContain('Full name');
    await screenshot(page, 'upgrade-04-record');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${dischargedId}/edit`);
    await page.getByTestId('input-ward').fill('North wing');
    expect(await page.getByTestId('input-status').inputValue()).toBe('Released');
    await screenshot(page, 'upgrade-05-edit-form');
    await page.getByTestId('submit-record').click();
    await expect.poll(() => page.getByTestId('value-ward').textContent()).toBe('North wing');

    const stillOld = await session.call('admin@demo.crm', 'crmListRecords', { tenantId: TENANT, module: 'patients', filters: [{ field: 'status', op: 'eq', value: 'Discharged' }] });
    expect(stillOld.ok && (stillOld.result.records as unknown[]).length).toBe(0);
  });

  it('a deactivated template is no longer offered to new tenants; tenants already on it keep working', async () => {
    const page = await session.signIn('superadmin@demo.crm');
    await page.goto(`${session.stack.url}/console/templates/jewellery`);
    await expect.poll(() => page.getByTestId('template-active').textContent()).toBe('Active');
    await page.getByTestId('toggle-active').click();
    await page.getByRole('alertdialog').getByTestId('alert-dialog-confirm').click();
    await expect.poll(() => page.getByTestId('template-active').textContent()).toBe('Inactive');
    await screenshot(page, 'console-09-deactivated');

    const offered = await session.call('newadmin@demo.crm', 'crmListTemplates', { tenantId: 'demo-fresh' });
    expect(offered.ok && (offered.result.templates as Array<{ slug: string }>).map((template) => template.slug)).not.toContain('jewellery');
    const existing = await session.call('owner@demo.crm', 'crmBootstrap', { tenantId: 'demo-jewellery' });
    expect(existing).toMatchObject({ ok: true, result: { templateSelected: true } });

    // A clone starts a draft of a new template at 1.0.0; the draft can be thrown away.
    await page.getByTestId('clone-template').click();
    await page.getByRole('dialog').getByLabel('New slug').fill('boutique');
    await page.getByRole('dialog').getByRole('button', { name: 'Create the clone' }).click();
    await page.getByTestId('draft-general').waitFor();
    expect(await page.getByTestId('draft-slug').inputValue()).toBe('boutique');
    expect(await page.getByTestId('draft-version').inputValue()).toBe('1.0.0');
    await expect.poll(() => page.getByTestId('draft-status').textContent()).toBe('Valid');
    await page.getByRole('button', { name: 'Delete draft' }).click();
    await page.getByRole('alertdialog').getByTestId('alert-dialog-confirm').click();
    await page.getByTestId('console-templates').waitFor();

    // The console edits every language of a template and follows the user's own: here in Spanish.
    await page.getByTestId('language-select').selectOption('es');
    await page.goto(`${session.stack.url}/console`);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Consola de plantillas');
    await screenshot(page, 'console-10-es');
  });

  it('refuses the console to a member and a tenant admin on the server, and the page says so', async () => {
    for (const email of ['member@demo.crm', 'admin@demo.crm']) {
      const refused = await session.call(email, 'crmConsoleListTemplates', {});
      expect(refused).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
      const publish = await session.call(email, 'crmConsoleSaveDraft', { fromSlug: 'hospital' });
      expect(publish).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
    }
    const member = await session.call('member@demo.crm', 'crmUpgradeStatus', { tenantId: TENANT });
    expect(member).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });

    const page = await session.signIn('member@demo.crm');
    await page.goto(`${session.stack.url}/console`);
    await expect.poll(() => page.getByTestId('console-refused').textContent()).toContain('platform super admins and staff only');
    await screenshot(page, 'console-08-refused');
  });

  it('left no uncaught errors on any page', () => {
    expect(session.pageErrors.flat()).toEqual([]);
  });
});
