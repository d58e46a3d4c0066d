import { RE2JS } from 're2js';

/**
 * Tenant-written regular expressions (a field's `validation.pattern`) run on
 * an RE2-semantics engine: matching costs time linear in the value, whatever
 * the pattern, so no tenant can stall an instance it shares with others
 * (V8's backtracking engine takes seconds on `^(a+)+$` against 28 `a`s and a
 * `!`, tripling every two characters). `re2js` is pure JavaScript, so the SPA
 * validates forms with the very same engine and semantics.
 *
 * Patterns using what RE2 lacks (backreferences, lookahead, lookbehind) are
 * refused when the field is saved, with a message saying so.
 */

/** Long enough for any real format rule; compile cost grows with it. */
export const MAX_PATTERN_LENGTH = 500;

/** Compiled patterns kept per instance: a handful per tenant, bounded so 10,000 tenants cannot grow it without limit. */
const MAX_CACHED_PATTERNS = 500;
const compiled = new Map<string, RE2JS>();

/** Why a tenant pattern cannot be used, or null. The message is for the admin who wrote it. */
export function tenantPatternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  const unsupported = unsupportedFeature(pattern);
  if (unsupported) {
    return `uses ${unsupported}, which validation patterns do not support (they run on a linear-time engine, RE2); rewrite it without`;
  }
  try {
    compile(pattern);
    return null;
  } catch (error) {
    return `is not a valid regular expression (${describeSyntaxError(error)})`;
  }
}

/**
 * True when `value` contains a match (JavaScript's `RegExp.test` semantics:
 * anchor with `^…$` to require the whole value). A pattern RE2 cannot compile
 * (saved before patterns were checked for RE2) does not apply, as before: the
 * template validator and field saves report it, and refusing every value
 * would make the field unusable until an admin fixes it.
 */
export function matchesTenantPattern(pattern: string, value: string): boolean {
  let regex: RE2JS;
  try {
    regex = compile(pattern);
  } catch {
    return true;
  }
  return regex.test(value);
}

function compile(pattern: string): RE2JS {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const regex = RE2JS.compile(pattern);
  // Dropping everything at the bound is crude but O(1) and keeps memory flat; recompiling is cheap.
  if (compiled.size >= MAX_CACHED_PATTERNS) compiled.clear();
  compiled.set(pattern, regex);
  return regex;
}

/**
 * Names the JavaScript features RE2 refuses, so the admin reads "uses a
 * backreference" rather than a parser's "invalid escape sequence: \1".
 * Escaped characters and character classes are skipped so `\(?=` or `[?=]`
 * are not mistaken for a lookahead.
 */
function unsupportedFeature(pattern: string): string | null {
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      const next = pattern[index + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `a backreference (\\${next})`;
      if (!inClass && next === 'k' && pattern[index + 2] === '<') return 'a named backreference (\\k<…>)';
      index++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
      // A leading `]` or `^]` is a literal inside the class.
      if (pattern[index + 1] === '^') index++;
      if (pattern[index + 1] === ']') index++;
      continue;
    }
    if (char === '(' && pattern[index + 1] === '?') {
      const rest = pattern.slice(index + 2, index + 4);
      if (rest.startsWith('=') || rest.startsWith('!')) return 'a lookahead ((?=…) or (?!…))';
      if (rest === '<=' || rest === '<!') return 'a lookbehind ((?<=…) or (?<!…))';
    }
  }
  return null;
}

function describeSyntaxError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim().slice(0, 200);
}
