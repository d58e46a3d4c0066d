import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Picks the first option a relationship picker offers for `text`. */
export async function pickRelated(page: Page, fieldKey: string, text: string, option: string): Promise<void> {
  await page.getByTestId(`input-${fieldKey}`).fill(text);
  await page.getByRole('option').filter({ hasText: option }).first().click();
  await expect.poll(() => page.getByTestId(`input-${fieldKey}`).textContent()).toContain(option);
}
