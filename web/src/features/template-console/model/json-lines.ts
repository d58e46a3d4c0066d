import { formatPath } from '@crm/engine/template/format-issues.js';

/**
 * `JSON.stringify(value, null, 2)` that also says on which line (1-based)
 * each path starts, so validator errors (`field_schemas.patients[2].key`)
 * can be pointed at in the JSON view.
 */
export function stringifyWithLines(value: unknown): { text: string; lines: Map<string, number> } {
  const out: string[] = [];
  const lines = new Map<string, number>();
  let line = 1;

  const write = (node: unknown, path: PropertyKey[], indent: string): void => {
    lines.set(formatPath(path), line);
    if (Array.isArray(node)) {
      if (node.length === 0) {
        out.push('[]');
        return;
      }
      out.push('[\n');
      line += 1;
      node.forEach((item, index) => {
        out.push(`${indent}  `);
        write(item === undefined ? null : item, [...path, index], `${indent}  `);
        out.push(index < node.length - 1 ? ',\n' : '\n');
        line += 1;
      });
      out.push(`${indent}]`);
      return;
    }
    if (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node).filter(([, item]) => item !== undefined);
      if (entries.length === 0) {
        out.push('{}');
        return;
      }
      out.push('{\n');
      line += 1;
      entries.forEach(([key, item], index) => {
        out.push(`${indent}  ${JSON.stringify(key)}: `);
        write(item, [...path, key], `${indent}  `);
        out.push(index < entries.length - 1 ? ',\n' : '\n');
        line += 1;
      });
      out.push(`${indent}}`);
      return;
    }
    out.push(JSON.stringify(node) ?? 'null');
  };

  write(value, [], '');
  return { text: out.join(''), lines };
}

/** The line of `path`, or of its closest ancestor that exists (an error about a missing key points at its parent). */
export function lineOfPath(lines: ReadonlyMap<string, number>, path: string): number | undefined {
  let current = path;
  for (;;) {
    const found = lines.get(current);
    if (found !== undefined) return found;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    if (cut <= 0) return lines.get('(root)');
    current = current.slice(0, cut);
  }
}

/** Where a JSON.parse failure is, as "line 4, column 12" when the engine says so. */
export function describeParseError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /position (\d+)/.exec(message);
  if (!at) return message;
  const offset = Number(at[1]);
  const before = text.slice(0, offset).split('\n');
  return `${message.replace(/\s*\(line \d+ column \d+\)/, '')} — line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}
