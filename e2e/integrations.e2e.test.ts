import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';

/**
 * API keys in the browser, on the seeded demo (Riverside General Hospital):
 * an admin creates a member key, copies it from the one-time view, the key is
 * used against the REST API, and the page then shows when it was last used;
 * the key is revoked and the next call is refused.
 */
const TENANT = 'demo-hospital';

const session = useBrowserSession({ tempPrefix: 'crm-e2e-int-', failureShotPrefix: 'int-failed-', stack: { logLevel: 'warn' } });

function apiBase(): string {
  return `${session.stack.url}/${session.stack.projectId}/${session.stack.region}/crmApi`;
}

describe('API keys in the browser', () => {
  it('an admin creates an API key, sees it shown once, and sees it used; revoking it stops it', async () => {
    const page = await session.signIn('admin@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}`);
    await page.getByTestId('nav-admin-api-keys').click();
    expect(await page.getByTestId('api-base-url').textContent()).toBe(apiBase());

    await page.getByTestId('api-key-new').click();
    // Submitting without a name is refused in the form, before any call.
    await page.getByTestId('api-key-create').click();
    await page.locator('#api-key-name-note[role=alert]').waitFor();
    await page.getByTestId('api-key-name').fill('Billing sync');
    await page.getByTestId('api-key-role').selectOption('member');
    await page.getByTestId('api-key-expiry').selectOption('30');
    await page.getByTestId('api-key-create').click();
    const secret = await page.getByTestId('api-key-secret').inputValue();
    expect(secret).toMatch(/^crm_demo-hospital\.[A-Za-z0-9]+\.[0-9a-f]{64}$/);
    await screenshot(page, 'int-01-key-shown-once');
    await page.getByTestId('api-key-done').click();

    const card = page.getByTestId('api-key').filter({ hasText: 'Billing sync' });
    await expect.poll(() => card.getByTestId('api-key-last-used').textContent()).toBe('Never');

    const response = await fetch(`${apiBase()}/v1/modules/patients/records?limit=5`, { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { records: unknown[] }).records.length).toBeGreaterThan(0);
    // A member key may not do what members may not: delete a patient.
    const [first] = ((await (await fetch(`${apiBase()}/v1/modules/patients/records?limit=1`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { records: Array<{ id: string }> }).records;
    const refused = await fetch(`${apiBase()}/v1/modules/patients/records/${first?.id ?? 'x'}`, { method: 'DELETE', headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(403);

    await expect
      .poll(async () => {
        await page.reload();
        return card.getByTestId('api-key-last-used').textContent();
      })
      .not.toBe('Never');
    await screenshot(page, 'int-02-key-used');

    await card.getByTestId('api-key-revoke').click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => card.getByTestId('api-key-status').textContent()).toBe('Revoked');
    const after = await fetch(`${apiBase()}/v1/modules/patients/records`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
    expect(session.pageErrors.flat()).toEqual([]);
  });

  it('the API keys and webhooks pages work on a phone, and members get neither', async () => {
    const phone = await session.signIn('admin@demo.crm', { context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
    await phone.goto(`${session.stack.url}/t/${TENANT}/admin/api-keys`);
    await phone.getByTestId('api-key-new').waitFor();
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(phone, 'int-03-api-keys-phone');
    await phone.goto(`${session.stack.url}/t/${TENANT}/admin/webhooks`);
    await phone.getByTestId('subscription-new').click();
    await phone.getByTestId('subscription-dialog').waitFor();
    await screenshot(phone, 'int-04-webhook-form-phone');
    await phone.keyboard.press('Escape');

    const member = await session.signIn('member@demo.crm');
    await member.goto(`${session.stack.url}/t/${TENANT}`);
    await member.getByTestId('open-tasks').waitFor();
    expect(await member.getByTestId('nav-admin-api-keys').count()).toBe(0);
    const refused = await session.call('member@demo.crm', 'crmListApiKeys', { tenantId: TENANT });
    expect(refused).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
  });
});
