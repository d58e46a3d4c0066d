import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { loadIndexConfig } from '../../src/store/memory/load-index-config.js';
import { createServices } from '../../src/services/create-services.js';
import { loadTemplateFiles } from '../../src/services/templates/load-template-files.js';
import { seedTemplates } from '../../src/services/templates/seed-templates.js';
import { findSmokeTarget, NO_CREDENTIALS_MESSAGE, parseSmokeArgs } from '../smoke.js';
import { runSmokeFlow } from './smoke-flow.js';
import { TEMPLATES_DIR } from './templates-dir.js';

describe('smoke flow', () => {
  // The same flow the smoke runs on FirestoreStore, here on the index-enforcing MemoryStore.
  it('selects a template, creates, lists, renders the sum widget and runs a workflow', async () => {
    const store = new MemoryStore({ indexes: await loadIndexConfig() });
    await seedTemplates(store, await loadTemplateFiles(TEMPLATES_DIR));
    const steps = await runSmokeFlow({ services: createServices({ store }), tenantId: 'smoke-test', uid: 'smoke-owner' });
    expect(steps.map((step) => [step.step, step.ok])).toEqual([
      ['select template', true],
      ['workflows', true],
      ['create', true],
      ['list', true],
      ['dashboard', true],
      ['workflow run', true],
    ]);
    // No template workflow ran (nothing may mail a real person from a smoke run).
    expect(await store.listDocumentIds('mail')).toEqual([]);
  });
});

describe('npm run smoke', () => {
  it('reads the project id from --project', () => {
    expect(parseSmokeArgs(['--project', 'my-crm-prod'])).toEqual({ project: 'my-crm-prod' });
    expect(parseSmokeArgs(['--project=my-crm-prod'])).toEqual({ project: 'my-crm-prod' });
    expect(parseSmokeArgs([])).toHaveProperty('error');
  });

  it('finds the emulator or Application Default Credentials, and nothing when neither exists', () => {
    const home = mkdtempSync(join(tmpdir(), 'crm-smoke-home-'));
    try {
      expect(findSmokeTarget({ FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080' }, home)).toEqual({ kind: 'emulator', host: '127.0.0.1:8080' });
      expect(findSmokeTarget({ GOOGLE_APPLICATION_CREDENTIALS: join(home, 'missing.json') }, home)).toBeNull();
      expect(findSmokeTarget({}, home)).toBeNull();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('says plainly that it needs credentials or the emulator, and exits 2 without touching anything', async () => {
    const home = mkdtempSync(join(tmpdir(), 'crm-smoke-home-'));
    try {
      const env = { PATH: process.env.PATH ?? '', HOME: home };
      const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../smoke.ts', import.meta.url)), '--project', 'my-crm-prod'], {
        env,
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      }).catch((error: { code: number; stderr: string }) => error);
      expect(failure).toMatchObject({ code: 2 });
      expect((failure as { stderr: string }).stderr).toContain(NO_CREDENTIALS_MESSAGE.split('\n')[0]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
