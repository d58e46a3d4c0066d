import { describeParseError } from './json-lines';
import { isRecord, type TemplateDoc } from './draft-doc';

/** The outcome of reading an uploaded template: the document, or why it cannot be one (a dictionary key). */
export type TemplateFileResult =
  | { ok: true; template: TemplateDoc }
  | { ok: false; messageKey: 'templateConsole.jsonInvalid' | 'templateConsole.jsonNotObject' | 'templateConsole.fileTooLarge'; params: Record<string, string | number> };

/** Drafts are capped by the server (MAX_DRAFT_JSON, 900 000 characters); a larger file is refused before it is parsed. */
export const MAX_TEMPLATE_FILE_BYTES = 900_000;

/**
 * Reads an uploaded .json template into a draft document. Validation of the
 * template itself is the editor's (it shows every error at its path); this
 * only makes sure there is a JSON object to edit.
 */
export function readTemplateFile(text: string, sizeBytes = text.length): TemplateFileResult {
  if (sizeBytes > MAX_TEMPLATE_FILE_BYTES) return { ok: false, messageKey: 'templateConsole.fileTooLarge', params: { max: '900 KB' } };
  try {
    // A byte-order mark is common in files saved by editors on Windows; JSON.parse refuses it.
    const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (!isRecord(parsed)) return { ok: false, messageKey: 'templateConsole.jsonNotObject', params: {} };
    return { ok: true, template: parsed };
  } catch (error) {
    return { ok: false, messageKey: 'templateConsole.jsonInvalid', params: { message: describeParseError(text, error) } };
  }
}
