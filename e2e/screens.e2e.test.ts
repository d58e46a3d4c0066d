/**
 * Screenshots of the main screens at 1440×900 and 390×844, in English and
 * Spanish, into test-results/screenshots/screens-<lang>-<size>-<nn>-<screen>.png,
 * each also checked with axe (0 serious / critical). Run with the other
 * browser tests, or alone: `CRM_EMBED_DEMO=1 npm run build -w web && npx vitest
 * run --config e2e/vitest.config.ts e2e/screens.e2e.test.ts`.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { auditPage, type AxeFinding } from './support/axe.js';
import { screenshot } from './support/browser.js';
import { DEMO_PASSWORD, useBrowserSession } from './support/browser-session.js';

const SIZES = [
  { name: 'desktop', context: { viewport: { width: 1440, height: 900 } } },
  { name: 'phone', context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
] as const satisfies ReadonlyArray<{ name: string; context: BrowserContextOptions }>;
const LANGUAGES = [
  { code: 'en', locale: 'en-US' },
  { code: 'es', locale: 'es-ES' },
] as const;
/** The dark theme, as an OS asking for it gets it, checked (contrast) and photographed once on the desktop. */
const DARK = { name: 'dark', context: { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' } } as const;

const session = useBrowserSession({ tempPrefix: 'crm-e2e-screens-', failureShotPrefix: 'failed-screens-' });

async function signInOn(page: Page, email: string): Promise<void> {
  await page.locator('input[type=email]').fill(email);
  await page.locator('input[type=password]').fill(DEMO_PASSWORD);
  await page.locator('.auth-card button[type=submit]').click();
  await page.locator('input[type=password]').waitFor({ state: 'detached' });
}

async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.spinner, .skeleton-row, .skeleton-card').count(), { timeout: 20_000 }).toBe(0);
}

describe('screenshots of the main screens, looked at with axe', () => {
  const runs = [...LANGUAGES.flatMap((language) => SIZES.map((size) => ({ language, size }))), { language: LANGUAGES[0], size: DARK }];
  for (const { language, size } of runs) {
    it(`${language.code} at ${size.name} size`, async () => {
      const blocking: Array<{ screen: string; findings: AxeFinding[] }> = [];
      const prefix = `screens-${language.code}-${size.name}`;
      const shoot = async (page: Page, index: number, screen: string) => {
        await settled(page);
        await screenshot(page, `${prefix}-${String(index).padStart(2, '0')}-${screen}`);
        const findings = await auditPage(page, `${prefix} ${screen}`);
        if (findings.length > 0) blocking.push({ screen, findings });
      };
      const context = { ...size.context, locale: language.locale };

      const page = await session.newPage(context);
      page.setDefaultTimeout(20_000);
      await page.goto(session.stack.url);
      await page.locator('input[type=email]').waitFor();
      await shoot(page, 1, 'sign-in');
      await signInOn(page, 'owner@demo.crm');
      await page.getByTestId('tenant-demo-corporate').waitFor();
      await shoot(page, 2, 'workspace-list');

      await page.getByTestId('tenant-demo-corporate').click();
      await page.getByTestId('dashboard-grid').waitFor();
      await shoot(page, 3, 'dashboard');

      await page.goto(`${session.stack.url}/t/demo-corporate/m/opportunities`);
      await page.getByTestId('record-link').first().click();
      await page.getByTestId('history').waitFor();
      await shoot(page, 4, 'record-detail');

      await page.getByTestId('edit-record').click();
      await page.getByTestId('record-form').waitFor();
      await shoot(page, 5, 'form');

      await page.goto(`${session.stack.url}/t/demo-corporate/m/opportunities?view=board`);
      await page.locator('[data-testid^=card-]').first().waitFor();
      await shoot(page, 6, 'kanban');

      await page.goto(`${session.stack.url}/t/demo-hospital/admin/workflows/appointments`);
      await page.getByTestId('workflow-list').waitFor();
      await page.getByTestId('workflow-link').first().click();
      await page.getByTestId('workflow-title').waitFor();
      await shoot(page, 7, 'workflow-builder');

      const admin = await session.newPage(context);
      admin.setDefaultTimeout(20_000);
      await admin.goto(`${session.stack.url}/console`);
      await signInOn(admin, 'superadmin@demo.crm');
      await admin.getByTestId('console-templates').waitFor();
      await shoot(admin, 8, 'console');

      const report = blocking.map(({ screen, findings }) => `${screen}: ${findings.map((finding) => `${finding.id} (${finding.targets.join(', ')})`).join('; ')}`);
      expect(report).toEqual([]);
    });
  }
});
