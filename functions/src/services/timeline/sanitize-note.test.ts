import { describe, expect, it } from 'vitest';
import { sanitizeNoteHtml } from './sanitize-note.js';

describe('sanitizeNoteHtml', () => {
  it('keeps formatting, drops scripts with their text, handlers, styles and unknown tags', async () => {
    const { html, text } = await sanitizeNoteHtml(
      '<h2>Plan</h2><p style="color:red" onmouseover="x()">Take <em>two</em><script>steal()</script></p><ul><li>one</li></ul><table><tr><td>cell</td></tr></table>',
    );
    expect(html).toBe('<h2>Plan</h2><p>Take <em>two</em></p><ul><li>one</li></ul>cell');
    expect(text).toBe('Plan Take two one cell');
  });

  it('allows http, https and mailto links only, opened without handing over the window', async () => {
    const { html } = await sanitizeNoteHtml('<a href="javascript:alert(1)">a</a><a href="data:text/html,x">b</a><a href="//evil.example">c</a><a href="mailto:a@b.c">d</a>');
    expect(html).toBe('<a target="_blank" rel="noopener noreferrer nofollow">a</a><a target="_blank" rel="noopener noreferrer nofollow">b</a><a target="_blank" rel="noopener noreferrer nofollow">c</a><a href="mailto:a@b.c" target="_blank" rel="noopener noreferrer nofollow">d</a>');
  });

  it('collects mentions once each, in order, and rewrites their text to the member\'s current name', async () => {
    const input = '<p><span data-type="mention" data-id="u-1" data-label="Fake">@Fake</span> and <span data-type="mention" data-id="u-2">@B</span> <span data-type="mention" data-id="u-1">@again</span></p>';
    const first = await sanitizeNoteHtml(input);
    expect(first.mentions).toEqual(['u-1', 'u-2']);
    const named = await sanitizeNoteHtml(input, new Map([['u-1', 'Ada Lovelace'], ['u-2', 'Bob <b>']]));
    expect(named.html).toBe(
      '<p><span data-type="mention" data-id="u-1" class="mention">@Ada Lovelace</span> and <span data-type="mention" data-id="u-2" class="mention">@Bob &lt;b&gt;</span> <span data-type="mention" data-id="u-1" class="mention">@Ada Lovelace</span></p>',
    );
  });

  it('strips the attributes of spans that are not mentions, and mention ids that are not ids', async () => {
    const { html, mentions } = await sanitizeNoteHtml('<span class="x" style="y">plain</span><span data-type="mention" data-id="../../x">@x</span>');
    expect(html).toBe('<span>plain</span><span>@x</span>');
    expect(mentions).toEqual([]);
  });
});
