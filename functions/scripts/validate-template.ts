/**
 * Validates template JSON files against the engine's template schema.
 *
 *   npm run validate-template -- templates/hospital.json [more.json ...]
 *
 * Prints "✓ file (name vX)" per valid file and "file: path: message" per
 * problem. Exit code: 0 all valid, 1 some invalid, 2 some unreadable or not JSON.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateTemplate } from '../src/engine/template/template-schema.js';

export type ValidateTemplateCliIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Directory relative paths are resolved against. */
  cwd: string;
};

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_UNREADABLE = 2;

export async function runValidateTemplate(files: readonly string[], io: ValidateTemplateCliIo): Promise<number> {
  if (files.length === 0) {
    io.err('usage: npm run validate-template -- <template.json> [more.json ...]');
    return EXIT_UNREADABLE;
  }
  let exitCode = EXIT_OK;
  for (const file of files) {
    let input: unknown;
    try {
      input = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
    } catch (error) {
      const reason = error instanceof SyntaxError ? `invalid JSON: ${error.message}` : `cannot read file: ${errorMessage(error)}`;
      io.err(`${file}: ${reason}`);
      exitCode = EXIT_UNREADABLE;
      continue;
    }
    const result = validateTemplate(input);
    if (result.ok) {
      io.out(`✓ ${file} (${result.template.name} v${result.template.version})`);
      continue;
    }
    for (const error of result.errors) io.err(`${file}: ${error.path}: ${error.message}`);
    io.err(`✗ ${file}: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}`);
    exitCode = Math.max(exitCode, EXIT_INVALID);
  }
  return exitCode;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  // npm runs workspace scripts inside functions/; INIT_CWD is where the user typed the command.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const code = await runValidateTemplate(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    cwd,
  });
  process.exitCode = code;
}
