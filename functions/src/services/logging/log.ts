/**
 * The one way services log. Deployed, the lines go through the Firebase
 * logger, so Cloud Logging sees a severity and structured fields instead of
 * free text on stderr; `firebase-functions/logger` is its own small entry
 * point (not the `firebase-functions/v2` barrel), so it costs nothing at cold
 * start. Tests swap the sink with `setLogSink` to assert on what was logged.
 */
import * as firebaseLogger from 'firebase-functions/logger';

export type LogSeverity = 'info' | 'warn' | 'error';

export type LogSink = (severity: LogSeverity, message: string, fields: Readonly<Record<string, unknown>>) => void;

const firebaseSink: LogSink = (severity, message, fields) => {
  firebaseLogger[severity](message, fields);
};

let sink: LogSink = firebaseSink;

/** Replaces the sink (tests, the embedded runtime); returns a function that restores the previous one. */
export function setLogSink(next: LogSink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

/** Errors become `{ error: message, stack }` fields: the structured logger drops non-enumerable properties. */
function describe(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

export const log = {
  info: (message: string, fields: Readonly<Record<string, unknown>> = {}): void => sink('info', message, describe(fields)),
  warn: (message: string, fields: Readonly<Record<string, unknown>> = {}): void => sink('warn', message, describe(fields)),
  error: (message: string, fields: Readonly<Record<string, unknown>> = {}): void => sink('error', message, describe(fields)),
};
