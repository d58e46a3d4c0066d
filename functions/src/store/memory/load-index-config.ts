/**
 * Reads and validates `firestore.indexes.json`, so services, tests and the
 * embedded runtime build `new MemoryStore({ indexes })` from the same file
 * that `firebase deploy` uses.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { IndexConfig } from './index-planner.js';

const queryScope = z.enum(['COLLECTION', 'COLLECTION_GROUP']);
const order = z.enum(['ASCENDING', 'DESCENDING']);

const indexField = z
  .object({
    fieldPath: z.string().min(1),
    order: order.optional(),
    arrayConfig: z.literal('CONTAINS').optional(),
  })
  .loose()
  .refine((f) => (f.order === undefined) !== (f.arrayConfig === undefined) || f.fieldPath === '__name__', {
    message: 'each index field needs exactly one of "order" or "arrayConfig"',
  });

export const indexConfigSchema = z.object({
  indexes: z.array(
    z
      .object({
        collectionGroup: z.string().min(1),
        queryScope: queryScope.default('COLLECTION'),
        fields: z.array(indexField).min(1),
      })
      .loose(),
  ),
  fieldOverrides: z
    .array(
      z
        .object({
          collectionGroup: z.string().min(1),
          fieldPath: z.string().min(1),
          indexes: z.array(
            z
              .object({
                queryScope: queryScope.default('COLLECTION'),
                order: order.optional(),
                arrayConfig: z.literal('CONTAINS').optional(),
              })
              .loose(),
          ),
        })
        .loose(),
    )
    .optional(),
});

export type ParsedIndexConfig = z.infer<typeof indexConfigSchema>;

/** Validates already-parsed JSON (e.g. a test's own index list). */
export function parseIndexConfig(json: unknown, source = 'index config'): IndexConfig {
  const result = indexConfigSchema.safeParse(json);
  if (!result.success) {
    throw new Error(`${source} is not a valid firestore.indexes.json: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Walks up from this module to the repository root (the directory holding firestore.indexes.json or the workspace package.json). */
export function defaultIndexConfigPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'firestore.indexes.json');
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  // functions/src/store/memory -> repo root
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../../firestore.indexes.json');
}

export interface LoadIndexConfigOptions {
  /** Defaults to the repository's firestore.indexes.json. */
  readonly path?: string;
  /** When the file does not exist: return an empty config instead of failing. Default false. */
  readonly allowMissing?: boolean;
}

export async function loadIndexConfig(options: LoadIndexConfigOptions = {}): Promise<IndexConfig> {
  const path = options.path ?? defaultIndexConfigPath();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (options.allowMissing && (error as NodeJS.ErrnoException).code === 'ENOENT') return { indexes: [] };
    throw error;
  }
  return parseIndexConfig(JSON.parse(text) as unknown, path);
}

/** Synchronous variant for module-level wiring where awaiting is awkward. */
export function loadIndexConfigSync(options: LoadIndexConfigOptions = {}): IndexConfig {
  const path = options.path ?? defaultIndexConfigPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (options.allowMissing && (error as NodeJS.ErrnoException).code === 'ENOENT') return { indexes: [] };
    throw error;
  }
  return parseIndexConfig(JSON.parse(text) as unknown, path);
}
