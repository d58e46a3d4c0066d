/**
 * Imports one export of a module that may not exist yet (the services grow
 * while the runtime is in use): null when the module is missing, an error when
 * it exists but lacks the export. The specifier is computed so TypeScript does
 * not insist on the module at compile time; it resolves relative to this file.
 */
export async function importOptional(specifier: string, exportName: string): Promise<((...args: never[]) => unknown) | null> {
  let module: unknown;
  try {
    module = await import(specifier);
  } catch (error) {
    if (isMissing(error, specifier)) return null;
    throw error;
  }
  const candidate = (module as Record<string, unknown>)[exportName];
  if (typeof candidate !== 'function') throw new Error(`${specifier} does not export a function ${exportName}.`);
  return candidate as (...args: never[]) => unknown;
}

function isMissing(error: unknown, specifier: string): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : '';
  const name = specifier.split('/').pop()?.replace(/\.js$/, '') ?? specifier;
  return (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(message)) && message.includes(name);
}
