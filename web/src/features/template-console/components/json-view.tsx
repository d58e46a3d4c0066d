import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isRecord, type PathError, type TemplateDoc } from '../model/draft-doc';
import { describeParseError, lineOfPath, stringifyWithLines } from '../model/json-lines';

/**
 * The whole draft as JSON, for what the form does not cover (workflows,
 * dashboards, migrations). Edits apply on "Apply JSON"; the validator's
 * errors are listed with their paths and marked on their lines.
 */
export function JsonView({
  doc,
  errors,
  onApply,
  focus,
  onPendingChange,
}: {
  doc: TemplateDoc;
  errors: readonly PathError[];
  onApply: (doc: TemplateDoc) => void;
  focus: { path: string; seq: number } | null;
  /** Whether the text holds edits not applied yet (the editor holds Save and Publish until then). */
  onPendingChange: (pending: boolean) => void;
}) {
  const { t } = useTranslation();
  const canonical = useMemo(() => stringifyWithLines(doc), [doc]);
  const [text, setText] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const edited = text !== null && text !== canonical.text;
  useEffect(() => {
    onPendingChange(edited);
  }, [edited, onPendingChange]);
  useEffect(() => () => onPendingChange(false), [onPendingChange]);
  const shown = text ?? canonical.text;
  const lineCount = shown.split('\n').length;
  const errorLines = useMemo(() => {
    const byLine = new Map<number, string[]>();
    if (edited) return byLine;
    for (const error of errors) {
      const line = lineOfPath(canonical.lines, error.path);
      if (line !== undefined) byLine.set(line, [...(byLine.get(line) ?? []), `${error.path}: ${error.message}`]);
    }
    return byLine;
  }, [errors, canonical, edited]);

  const goToLine = (line: number) => {
    const element = area.current;
    if (!element) return;
    const lines = element.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((sum, entry) => sum + entry.length + 1, 0);
    element.focus();
    element.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = parseFloat(getComputedStyle(element).lineHeight) || 18;
    element.scrollTop = Math.max(0, (line - 5) * lineHeight);
  };

  // A click on an error in the side list selects its line, once per click.
  const handledFocus = useRef(0);
  useEffect(() => {
    if (focus === null || focus.seq === handledFocus.current) return;
    handledFocus.current = focus.seq;
    const line = lineOfPath(canonical.lines, focus.path);
    if (line !== undefined) goToLine(line);
  });

  const apply = () => {
    if (text === null) return;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed)) {
        setParseError(t('templateConsole.jsonNotObject'));
        return;
      }
      setParseError(null);
      setText(null);
      onApply(parsed);
    } catch (error) {
      setParseError(t('templateConsole.jsonInvalid', { message: describeParseError(text, error) }));
    }
  };

  return (
    <div className="json-view" data-testid="json-view">
      <div className="json-toolbar">
        <p className="muted small">{t('templateConsole.jsonHint')}</p>
        <div className="page-actions">
          <button type="button" className="btn btn-ghost btn-sm" disabled={!edited} onClick={() => { setText(null); setParseError(null); }}>
            {t('templateConsole.jsonReset')}
          </button>
          <button type="button" className="btn btn-primary btn-sm" disabled={!edited} onClick={apply} data-testid="json-apply">
            {t('templateConsole.jsonApply')}
          </button>
        </div>
      </div>
      {parseError ? (
        <p className="form-error" role="alert" data-testid="json-parse-error">
          {parseError}
        </p>
      ) : null}
      <div className="json-editor">
        <div className="json-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, index) => {
            const messages = errorLines.get(index + 1);
            return (
              <div key={index} className={messages ? 'json-line json-line-error' : 'json-line'} title={messages?.join('\n')}>
                {index + 1}
              </div>
            );
          })}
        </div>
        <textarea
          ref={area}
          className="json-text"
          value={shown}
          spellCheck={false}
          aria-label="JSON"
          data-testid="json-text"
          wrap="off"
          onChange={(event) => setText(event.target.value)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
        />
      </div>
      {errors.length > 0 && !edited ? (
        <ul className="json-errors" data-testid="json-errors">
          {errors.map((error) => {
            const line = lineOfPath(canonical.lines, error.path);
            return (
              <li key={`${error.path}-${error.message}`}>
                <button type="button" className="btn-link" onClick={() => line !== undefined && goToLine(line)}>
                  {line !== undefined ? t('templateConsole.line', { line }) : ''}
                </button>{' '}
                <code className="mono">{error.path}</code> {error.message}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
