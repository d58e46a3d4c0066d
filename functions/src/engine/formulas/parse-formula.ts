import { FORMULA_LIMITS, FormulaError, type BinaryOperator, type FormulaNode } from './formula-ast.js';

/**
 * A Pratt parser of our own (~150 lines) instead of a library: it reports
 * the exact offset of every problem, knows only the constructs the language
 * has (no member calls, no `this`, no computed properties, nothing a hostile
 * expression could reach JavaScript through), and enforces length, depth and
 * node bounds while parsing. jsep would give us a JavaScript-shaped tree to
 * re-check node by node and loses positions on most errors.
 *
 * Grammar (spreadsheet-like, case-insensitive function names and TRUE/FALSE):
 *   expr    := compare
 *   compare := concat (( = | <> | != | < | <= | > | >= ) concat)*
 *   concat  := sum (& sum)*
 *   sum     := product (( + | - ) product)*
 *   product := unary (( * | / ) unary)*
 *   unary   := - unary | primary
 *   primary := number | "text" | 'text' | TRUE | FALSE | BLANK() | NAME(args) | path | ( expr )
 *   path    := key (. key){0,5}
 */

type Token =
  | { type: 'number'; at: number; value: number }
  | { type: 'text'; at: number; value: string }
  | { type: 'name'; at: number; value: string }
  | { type: 'op'; at: number; value: string }
  | { type: 'end'; at: number };

const OPERATORS = ['<=', '>=', '<>', '!=', '+', '-', '*', '/', '&', '=', '<', '>', '(', ')', ',', '.'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    const at = i;
    if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i, i + 64));
      const text = match?.[0] ?? char;
      tokens.push({ type: 'number', at, value: Number(text) });
      i += text.length;
      continue;
    }
    if (char === '"' || char === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= source.length) throw new FormulaError('this text is not closed: add the closing quote', at);
        const next = source[i];
        // A doubled quote is a quote, as in spreadsheets: "say ""hi""".
        if (next === char && source[i + 1] === char) {
          value += char;
          i += 2;
        } else if (next === char) {
          i += 1;
          break;
        } else {
          value += next;
          i += 1;
        }
      }
      tokens.push({ type: 'text', at, value });
      continue;
    }
    if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
      const value = match?.[0] ?? char;
      tokens.push({ type: 'name', at, value });
      i += value.length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (op === undefined) throw new FormulaError(`unexpected character "${char}"`, at);
    tokens.push({ type: 'op', at, value: op });
    i += op.length;
  }
  tokens.push({ type: 'end', at: source.length });
  return tokens;
}

const BINDING: Record<string, number> = { '=': 10, '<>': 10, '!=': 10, '<': 10, '<=': 10, '>': 10, '>=': 10, '&': 20, '+': 30, '-': 30, '*': 40, '/': 40 };

export function parseFormula(source: string): FormulaNode {
  if (source.length > FORMULA_LIMITS.maxLength) {
    throw new FormulaError(`a formula may be at most ${FORMULA_LIMITS.maxLength} characters long`, FORMULA_LIMITS.maxLength, 'tooLong');
  }
  const tokens = tokenize(source);
  let index = 0;
  let nodes = 0;
  const peek = (): Token => tokens[index] ?? { type: 'end', at: source.length };
  const next = (): Token => {
    const token = peek();
    index += 1;
    return token;
  };
  const count = (at: number): void => {
    nodes += 1;
    if (nodes > FORMULA_LIMITS.maxNodes) throw new FormulaError(`a formula may have at most ${FORMULA_LIMITS.maxNodes} parts`, at, 'tooLong');
  };
  const isOp = (token: Token, value: string): boolean => token.type === 'op' && token.value === value;
  const expectOp = (value: string, what: string): Token => {
    const token = next();
    if (!isOp(token, value)) throw new FormulaError(`expected ${what} here`, token.at);
    return token;
  };

  const expression = (minBinding: number, depth: number): FormulaNode => {
    if (depth > FORMULA_LIMITS.maxDepth) throw new FormulaError(`a formula may nest at most ${FORMULA_LIMITS.maxDepth} levels deep`, peek().at, 'tooDeep');
    let left = prefix(depth);
    for (;;) {
      const token = peek();
      if (token.type !== 'op') break;
      const binding = BINDING[token.value];
      if (binding === undefined || binding <= minBinding) break;
      next();
      const right = expression(binding, depth + 1);
      const operator = (token.value === '!=' ? '<>' : token.value) as BinaryOperator;
      count(token.at);
      left = { kind: 'binary', at: left.at, operator, left, right };
    }
    return left;
  };

  const prefix = (depth: number): FormulaNode => {
    const token = next();
    count(token.at);
    switch (token.type) {
      case 'number':
        if (!Number.isFinite(token.value)) throw new FormulaError('this number is too large', token.at);
        return { kind: 'number', at: token.at, value: token.value };
      case 'text':
        return { kind: 'text', at: token.at, value: token.value };
      case 'op':
        if (token.value === '-') return { kind: 'negate', at: token.at, operand: expression(BINDING['*'] ?? 40, depth + 1) };
        if (token.value === '(') {
          const inner = expression(0, depth + 1);
          expectOp(')', 'a closing ")"');
          return inner;
        }
        throw new FormulaError(`unexpected "${token.value}"`, token.at);
      case 'end':
        throw new FormulaError('the formula ends too early', token.at);
      case 'name':
        return name(token, depth);
    }
  };

  const name = (token: Extract<Token, { type: 'name' }>, depth: number): FormulaNode => {
    if (isOp(peek(), '(')) {
      next();
      const args: FormulaNode[] = [];
      if (!isOp(peek(), ')')) {
        for (;;) {
          args.push(expression(0, depth + 1));
          if (isOp(peek(), ',')) {
            next();
            continue;
          }
          break;
        }
      }
      expectOp(')', 'a "," or a closing ")"');
      const upper = token.value.toUpperCase();
      if (upper === 'BLANK' && args.length === 0) return { kind: 'blank', at: token.at };
      return { kind: 'call', at: token.at, name: upper, args };
    }
    const upper = token.value.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', at: token.at, value: upper === 'TRUE' };
    const path = [token.value];
    while (isOp(peek(), '.')) {
      next();
      const part = next();
      if (part.type !== 'name') throw new FormulaError('expected a field key after "."', part.at, 'path');
      path.push(part.value);
      if (path.length - 1 > FORMULA_LIMITS.maxHops) {
        throw new FormulaError(`a path may follow at most ${FORMULA_LIMITS.maxHops} relationships`, part.at, 'path');
      }
    }
    return { kind: 'field', at: token.at, path };
  };

  const root = expression(0, 0);
  const rest = peek();
  if (rest.type !== 'end') throw new FormulaError(`unexpected ${rest.type === 'op' ? `"${rest.value}"` : 'text'} after the end of the formula`, rest.at);
  return root;
}
