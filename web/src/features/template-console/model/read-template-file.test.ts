import { describe, expect, it } from 'vitest';
import { readTemplateFile } from './read-template-file';

describe('readTemplateFile', () => {
  it('reads a JSON object, with or without a byte-order mark', () => {
    expect(readTemplateFile('{"slug":"clinic","name":"Clinic"}')).toEqual({ ok: true, template: { slug: 'clinic', name: 'Clinic' } });
    expect(readTemplateFile('\uFEFF{"slug":"clinic"}')).toMatchObject({ ok: true, template: { slug: 'clinic' } });
  });

  it('says why a file is not a template: broken JSON with its place, not an object, too large', () => {
    const broken = readTemplateFile('{"slug": "clinic",\n "name": }');
    expect(broken).toMatchObject({ ok: false, messageKey: 'templateConsole.jsonInvalid' });
    expect(broken.ok ? '' : String(broken.params.message)).toMatch(/Unexpected token/);
    expect(readTemplateFile('[1, 2]')).toMatchObject({ ok: false, messageKey: 'templateConsole.jsonNotObject' });
    expect(readTemplateFile('{}', 2_000_000)).toMatchObject({ ok: false, messageKey: 'templateConsole.fileTooLarge' });
  });
});
