/**
 * Accessibility checks with axe-core: every browser test runs them on the
 * pages it visits (the harness checks each open page when a test ends, and a
 * test can check a screen it passes through with `expectAccessible`). Only
 * serious and critical violations fail a test; minor ones are written to the
 * report for a later look.
 */
import { mkdir, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export const AXE_REPORT = join(import.meta.dirname, '..', '..', 'test-results', 'axe-results.jsonl');

const BLOCKING = new Set(['serious', 'critical']);
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeFinding {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

/** Runs axe on the page as it is now; returns the serious and critical findings and logs every finding. */
export async function auditPage(page: Page, label: string): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const findings = results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact ?? 'unknown',
    help: violation.help,
    targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
  }));
  await mkdir(join(AXE_REPORT, '..'), { recursive: true });
  await appendFile(AXE_REPORT, `${JSON.stringify({ label, url: page.url(), passes: results.passes.length, findings })}\n`);
  return findings.filter((finding) => BLOCKING.has(finding.impact));
}

/** Fails with a readable list when the page has serious or critical accessibility violations. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const blocking = await auditPage(page, label);
  if (blocking.length > 0) {
    const lines = blocking.map((finding) => `- [${finding.impact}] ${finding.id}: ${finding.help} (${finding.targets.join(', ')})`);
    throw new Error(`${label}: ${blocking.length} serious/critical accessibility violation(s) at ${page.url()}\n${lines.join('\n')}`);
  }
}
