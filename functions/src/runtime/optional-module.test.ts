import { describe, expect, it } from 'vitest';
import { importOptional } from './optional-module.js';

describe('importOptional', () => {
  it('answers null for a module that does not exist yet', async () => {
    await expect(importOptional('../services/not-written-yet.js', 'anything')).resolves.toBeNull();
  });

  it('returns the named export of a module that exists', async () => {
    const pickFreePort = await importOptional('./ports.js', 'pickFreePort');
    expect(typeof pickFreePort).toBe('function');
  });

  it('refuses a module that exists without the export, instead of silently running nothing', async () => {
    await expect(importOptional('./ports.js', 'noSuchExport')).rejects.toThrow(/does not export a function noSuchExport/);
  });
});
