import type { EmbeddedStack } from './start-embedded-stack.js';

/** The lines `npm start` prints once everything answers: where to go and who to sign in as. */
export function formatReadyBanner(stack: EmbeddedStack, elapsedMs: number): string {
  const lines: string[] = [''];
  lines.push(`CRM Pro is ready (${(elapsedMs / 1000).toFixed(1)} s): ${stack.url}`);
  lines.push(`  Auth emulator: ${stack.authEmulatorUrl}   data: ${stack.dataDir}`);
  if (stack.seed) {
    lines.push(stack.seed.seededNow ? '  Demo data: seeded just now.' : `  Demo data: kept from ${stack.seed.seededAt} (npm run reset starts over).`);
    for (const tenant of stack.seed.tenants) {
      const what = tenant.template ? `${tenant.template}, ${tenant.records} records` : 'no template yet (selection screen)';
      lines.push(`    ${tenant.id.padEnd(16)} ${tenant.name} — ${what}`);
    }
    for (const warning of stack.seed.warnings) lines.push(`  ! ${warning}`);
  }
  if (stack.logins.length > 0) {
    const width = Math.max(...stack.logins.map((login) => login.email.length));
    lines.push('', `  Sign in with (password for all: ${stack.logins[0]?.password ?? ''}):`);
    for (const login of stack.logins) lines.push(`    ${login.email.padEnd(width)}  ${login.label}`);
  }
  if (!stack.workflowsConnected) lines.push('', '  Note: workflows are not connected yet (services/records/on-record-written.ts is missing).');
  if (!stack.tasksRunning) lines.push('', '  Note: scheduled workflow actions do not run (services/workflows/local-task-runner.ts is missing).');
  lines.push('', 'Press Ctrl-C to stop.');
  return lines.join('\n');
}
