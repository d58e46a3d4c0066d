import { useMemo } from 'react';
import DOMPurify from 'dompurify';

/**
 * A note's HTML, sanitised again in the browser before it is rendered: the
 * server already cleaned it (sanitize-html), this is the second line should a
 * stored note ever come from elsewhere. The allow-list is the server's.
 */
const ALLOWED_TAGS = ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h2', 'h3', 'hr', 'span'];
const ALLOWED_ATTR = ['href', 'target', 'rel', 'data-type', 'data-id', 'class'];

export function sanitizeForDisplay(html: string): string {
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i });
}

export function NoteHtml({ html, testId }: { html: string; testId?: string }) {
  const clean = useMemo(() => sanitizeForDisplay(html), [html]);
  // Sanitised twice: the server's allow-list when stored, DOMPurify above when shown.
  return <div className="tl-note-body" data-testid={testId} dangerouslySetInnerHTML={{ __html: clean }} />;
}
