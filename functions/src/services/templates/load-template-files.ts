import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateTemplate, type Template } from '../../engine/template/template-schema.js';

/** Reads and validates every `*.json` in the templates folder; any invalid file fails loudly. */
export async function loadTemplateFiles(directory: string): Promise<Template[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  const templates: Template[] = [];
  for (const name of names) {
    const result = validateTemplate(JSON.parse(await readFile(join(directory, name), 'utf8')));
    if (!result.ok) {
      const details = result.errors.map((error) => `  ${error.path}: ${error.message}`).join('\n');
      throw new Error(`Template ${name} is invalid:\n${details}`);
    }
    templates.push(result.template);
  }
  return templates;
}
