import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedStack, type EmbeddedStack } from '../start-embedded-stack.js';
import { signInDemoUser } from './sign-in-demo-user.js';

/**
 * For tests that SIGKILL the embedded runtime: a host stack that owns the
 * Auth emulator (and its demo logins) and outlives every kill, data folders
 * for the stacks that get killed, and their removal. Registers its own
 * beforeAll / afterAll in the calling test file.
 */
export function useKillableStacks(name: string): {
  /** Options for a runtime on a new data folder that signs in through the host's Auth emulator. */
  newStackOptions(): Promise<{ port: 0; dataDir: string; authEmulatorUrl: string; logLevel: 'warn' }>;
  signIn(email?: string): Promise<string>;
} {
  let host: EmbeddedStack | undefined;
  const folders: string[] = [];
  const newFolder = async (kind: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), `crm-${name}-${kind}-`));
    folders.push(dir);
    return dir;
  };
  const authEmulatorUrl = (): string => {
    if (!host) throw new Error('the host stack has not started (useKillableStacks must be called at the top of a test file)');
    return host.authEmulatorUrl;
  };

  beforeAll(async () => {
    host = await startEmbeddedStack({ port: 0, authPort: 0, dataDir: await newFolder('host'), logLevel: 'warn' });
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
    await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  }, 60_000);

  return {
    newStackOptions: async () => ({ port: 0, dataDir: await newFolder('data'), authEmulatorUrl: authEmulatorUrl(), logLevel: 'warn' }),
    signIn: (email = 'admin@demo.crm') => signInDemoUser(authEmulatorUrl(), email),
  };
}
