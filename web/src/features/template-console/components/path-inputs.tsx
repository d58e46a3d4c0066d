import { createContext, useContext, useState, type ReactNode } from 'react';
import { errorsUnder, type PathError } from '../model/draft-doc';

/** The validator's errors of the draft being edited; inputs pick the ones at their JSON path. */
export const DraftErrorsContext = createContext<readonly PathError[]>([]);

/**
 * Messages for an input at `path`: `exact` takes only errors at that path,
 * `under` also those inside it (a field's options input shows "options[2]: duplicate").
 */
export function useErrorsAt(path: string, claim: 'exact' | 'under' = 'under'): string[] {
  const errors = useContext(DraftErrorsContext);
  const found = claim === 'exact' ? errors.filter((error) => error.path === path) : errorsUnder(errors, path);
  return found.map((error) => (error.path === path ? error.message : `${error.path.slice(path.length).replace(/^\./, '')}: ${error.message}`));
}

export function ErrorLines({ messages }: { messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <>
      {messages.map((message) => (
        <span key={message} className="field-error" role="alert">
          {message}
        </span>
      ))}
    </>
  );
}

interface TextFieldProps {
  readonly label: string;
  readonly path: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId?: string;
  readonly claim?: 'exact' | 'under';
  /** Extra paths whose errors show here too (an English label also shows errors about the whole label). */
  readonly alsoExact?: string;
  readonly multiline?: boolean;
  readonly hideLabel?: boolean;
  readonly placeholder?: string;
}

/** A text input bound to a JSON path of the draft, showing the validator's errors for that path under it. */
export function TextField({ label, path, value, onChange, testId, claim = 'under', alsoExact, multiline, hideLabel, placeholder }: TextFieldProps) {
  const own = useErrorsAt(path, claim);
  const extra = useErrorsAt(alsoExact ?? '\u0000', 'exact');
  const messages = alsoExact ? [...extra, ...own] : own;
  const common = {
    value,
    'aria-invalid': messages.length > 0 ? true : undefined,
    'data-path': path,
    'data-testid': testId,
    placeholder,
    'aria-label': hideLabel ? label : undefined,
  } as const;
  return (
    <label className="field">
      {hideLabel ? null : <span className="field-label">{label}</span>}
      {multiline ? (
        <textarea {...common} rows={2} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input {...common} onChange={(event) => onChange(event.target.value)} />
      )}
      <ErrorLines messages={messages} />
    </label>
  );
}

/**
 * An input that edits freely and applies on Enter or when it loses focus:
 * for edits that mean something only when finished (a status rename, a
 * comma-separated option list).
 */
export function CommitInput({
  value,
  onCommit,
  label,
  path,
  testId,
  claim = 'under',
}: {
  value: string;
  onCommit: (value: string) => void;
  label: string;
  path: string;
  testId?: string;
  claim?: 'exact' | 'under';
}) {
  const [text, setText] = useState(value);
  // A new value from outside (an undo through the JSON view, another rename) replaces what is typed.
  const [shownValue, setShownValue] = useState(value);
  if (value !== shownValue) {
    setShownValue(value);
    setText(value);
  }
  const messages = useErrorsAt(path, claim);
  const commit = () => {
    if (text !== value) onCommit(text);
  };
  return (
    <span className="field">
      <input
        value={text}
        aria-label={label}
        aria-invalid={messages.length > 0 ? true : undefined}
        data-path={path}
        data-testid={testId}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          }
        }}
      />
      <ErrorLines messages={messages} />
    </span>
  );
}

export function Section({ title, children, actions, testId }: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="card console-section" data-testid={testId}>
      <div className="card-head">
        <h2 className="card-title">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
