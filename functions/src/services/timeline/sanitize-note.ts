import type sanitizeHtml from 'sanitize-html';
import type { IOptions, Tag } from 'sanitize-html';

/**
 * Notes arrive as the editor's HTML (TipTap) and are stored only after this
 * allow-list pass, on the server: the SPA's own sanitising is a second line,
 * never the first. `sanitize-html` is loaded on the first note, not at cold
 * start (it pulls an HTML parser and postcss).
 */

/** Stored HTML bound: a long note is a few thousand characters; this keeps a page of notes far below Firestore's 1 MiB. */
export const NOTE_HTML_MAX = 50_000;
/** Mentions per note (each one writes a task). */
export const NOTE_MENTIONS_MAX = 20;

const UID = /^[A-Za-z0-9_-]{1,128}$/;

const ALLOWED_TAGS = ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h2', 'h3', 'hr', 'span'];

export interface SanitizedNote {
  readonly html: string;
  /** Plain text (tags dropped, whitespace collapsed): previews, task titles, the empty check. */
  readonly text: string;
  /** uids of the mentions, in order of first appearance, deduplicated. */
  readonly mentions: string[];
}

type SanitizeHtml = typeof sanitizeHtml;
let loaded: Promise<SanitizeHtml> | null = null;
function loadSanitizer(): Promise<SanitizeHtml> {
  loaded ??= import('sanitize-html').then((module) => (module as unknown as { default: SanitizeHtml }).default ?? (module as unknown as SanitizeHtml));
  return loaded;
}

/**
 * Cleans a note. Mentions are TipTap's `<span data-type="mention" data-id="uid">`;
 * every other span loses its attributes. `names` (uid → shown name) rewrites a
 * mention's text to `@name`, so the stored text never carries a label the
 * client made up; without it, the label is kept as sent.
 */
export async function sanitizeNoteHtml(input: string, names?: ReadonlyMap<string, string>): Promise<SanitizedNote> {
  const sanitize = await loadSanitizer();
  const mentions: string[] = [];
  const options: IOptions = {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'target', 'rel'],
      span: ['data-type', 'data-id', 'class'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    // Dropped with their content, not unwrapped: a <script>'s text is not note text.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'iframe', 'object', 'embed', 'svg', 'math'],
    transformTags: {
      // Links leave the CRM in a new tab without handing it `window.opener`.
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...(attribs.href ? { href: attribs.href } : {}), target: '_blank', rel: 'noopener noreferrer nofollow' },
      }),
      span: (tagName, attribs): Tag => {
        const uid = attribs['data-id'];
        if (attribs['data-type'] !== 'mention' || typeof uid !== 'string' || !UID.test(uid)) return { tagName, attribs: {} as Record<string, string> };
        if (!mentions.includes(uid)) mentions.push(uid);
        const name = names?.get(uid);
        return {
          tagName,
          attribs: { 'data-type': 'mention', 'data-id': uid, class: 'mention' },
          ...(name !== undefined ? { text: `@${name}` } : {}),
        };
      },
    },
  };
  const html = sanitize(input, options).trim();
  // Block ends become spaces first, so "<p>a</p><p>b</p>" reads "a b", not "ab".
  const text = sanitize(html.replace(/<\/(p|li|h2|h3|blockquote|pre)>|<br\s*\/?>/g, ' '), { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return { html, text, mentions };
}
