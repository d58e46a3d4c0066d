import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export type RuntimeLogLevel = 'debug' | 'info' | 'warn';

const RANK: Readonly<Record<string, number>> = { DEBUG: 0, INFO: 1, NOTICE: 1, WARNING: 2, ERROR: 3, CRITICAL: 3, ALERT: 3, EMERGENCY: 3 };
const THRESHOLD: Readonly<Record<RuntimeLogLevel, number>> = { debug: 0, info: 1, warn: 2 };

/**
 * Relays the runtime's output. firebase-functions' logger writes one JSON
 * object per line for Cloud Logging (a DEBUG line per callable request, for
 * one); on a terminal that is noise, so structured lines are filtered by
 * severity and shown as `[crm] SEVERITY message`. Plain lines pass as they are.
 */
export function relayRuntimeOutput(stream: Readable | null, target: NodeJS.WritableStream, level: RuntimeLogLevel): void {
  if (!stream) return;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const entry = parseStructured(line);
    if (!entry) {
      if (level !== 'warn' || /error|fail|warn/i.test(line)) target.write(`${line}\n`);
      return;
    }
    const rank = RANK[entry.severity] ?? 1;
    if (rank < THRESHOLD[level]) return;
    target.write(`[crm] ${entry.severity} ${entry.message}\n`);
  });
}

function parseStructured(line: string): { severity: string; message: string } | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as { severity?: unknown; message?: unknown };
    if (typeof value.severity !== 'string') return null;
    return { severity: value.severity, message: typeof value.message === 'string' ? value.message : line };
  } catch {
    return null;
  }
}
