import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALLABLE_NAMES } from './crm-api.js';

/**
 * A callable in the contract table but not exported by index.ts is neither
 * deployed nor served by the embedded runtime (it collects index.ts's
 * exports): the SPA then gets "No callable named …". The roll-up recompute,
 * duplicate and merge callables were missing this way.
 */
describe('callable exports', () => {
  it('index.ts exports every callable of the contract table under its own name', async () => {
    const index = await readFile(join(import.meta.dirname, '..', 'index.ts'), 'utf8');
    const missing = CALLABLE_NAMES.filter((name) => !index.includes(`export const ${name} = callables?.callable('${name}');`));
    expect(missing).toEqual([]);
  });
});
