import { describe, expect, it } from 'vitest';
import { checkFormula } from './check-formula.js';
import { evaluateFormula } from './evaluate-formula.js';
import { parseFormula } from './parse-formula.js';
import { FORMULA_LIMITS } from './formula-ast.js';
import { checkFormulaField } from './check-formula-field.js';
import type { PathField } from '../paths/resolve-field-path.js';

const MODULES: Record<string, PathField[]> = {
  deals: [
    { key: 'name', type: 'text' },
    { key: 'amount', type: 'currency' },
    { key: 'quantity', type: 'number' },
    { key: 'close_date', type: 'date' },
    { key: 'meeting_at', type: 'datetime' },
    { key: 'won', type: 'checkbox' },
    { key: 'stage', type: 'select', options: ['Open', 'Won'] },
    { key: 'tags', type: 'multi_select', options: ['a', 'b'] },
    { key: 'contract', type: 'file' },
    { key: 'account', type: 'relationship', options: { related_module: 'accounts', display_field: 'name' } },
  ],
  accounts: [
    { key: 'name', type: 'text' },
    { key: 'owner_contact', type: 'relationship', options: { related_module: 'contacts', display_field: 'email' } },
  ],
  contacts: [
    { key: 'email', type: 'email' },
    { key: 'company', type: 'relationship', options: { related_module: 'accounts', display_field: 'name' } },
  ],
};
const fieldsOf = (module: string) => MODULES[module];

const NOW = Date.parse('2026-03-10T23:30:00Z');

function run(expression: string, values: Record<string, unknown> = {}, { timeZone = 'UTC', now = NOW } = {}) {
  const checked = checkFormula({ expression, module: 'deals', fieldsOf });
  if (!checked.ok) throw new Error(`${checked.problem.message} @${checked.problem.position}`);
  const result = evaluateFormula(checked.formula, { values: new Map(Object.entries(values)), timeZone, now });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function problem(expression: string) {
  const checked = checkFormula({ expression, module: 'deals', fieldsOf });
  if (checked.ok) throw new Error(`expected a problem in ${expression}`);
  return checked.problem;
}

describe('formula language: arithmetic and precedence', () => {
  it('follows the usual precedence and left associativity', () => {
    expect(run('1 + 2 * 3')).toBe(7);
    expect(run('(1 + 2) * 3')).toBe(9);
    expect(run('10 - 4 - 3')).toBe(3);
    expect(run('12 / 3 / 2')).toBe(2);
    expect(run('-2 * 3')).toBe(-6);
    expect(run('2 * -3')).toBe(-6);
    expect(run('1 + 2 = 3')).toBe(true);
    expect(run('"a" & 1 + 2')).toBe('a3');
    expect(run('1.5e2 + .5')).toBe(150.5);
  });

  it('reads field values by key and treats a missing value as blank', () => {
    expect(run('amount * quantity', { amount: 2.5, quantity: 4 })).toBe(10);
    expect(run('amount * quantity', { amount: 2.5 })).toBeNull();
    expect(run('amount / quantity', { amount: 1, quantity: 0 })).toBeNull();
  });

  it('compares, with blanks equal only to blanks and unordered', () => {
    expect(run('amount > 5', { amount: 6 })).toBe(true);
    expect(run('amount > 5')).toBeNull();
    expect(run('amount = BLANK()')).toBe(true);
    expect(run('amount <> 5')).toBe(true);
    expect(run('name != "x"', { name: 'x' })).toBe(false);
    expect(run('"b" > "a"')).toBe(true);
  });
});

describe('formula language: functions', () => {
  it('IF evaluates one branch; AND/OR/NOT treat blank as false', () => {
    expect(run('IF(won, "yes", "no")', { won: true })).toBe('yes');
    expect(run('IF(won, "yes", "no")')).toBe('no');
    expect(run('IF(won, 1)', { won: false })).toBeNull();
    expect(run('AND(won, amount > 1)', { won: true, amount: 2 })).toBe(true);
    expect(run('OR(won, amount > 1)', { amount: 0 })).toBe(false);
    expect(run('NOT(won)')).toBe(true);
  });

  it('ISBLANK, CONCAT, UPPER, LOWER, LEN, TEXT, VALUE', () => {
    expect(run('ISBLANK(name)', { name: '  ' })).toBe(true);
    expect(run('ISBLANK(amount)', { amount: 0 })).toBe(false);
    expect(run('CONCAT(name, " - ", amount, " ", won)', { name: 'Ann', amount: 3, won: true })).toBe('Ann - 3 TRUE');
    expect(run('CONCAT(name, "!")')).toBe('!');
    expect(run('UPPER(name) & LOWER("ÀB")', { name: 'straße' })).toBe('STRASSEàb');
    expect(run('LEN(name)', { name: 'año' })).toBe(3);
    expect(run('LEN(name)')).toBe(0);
    expect(run('TEXT(close_date)', { close_date: '2026-01-02' })).toBe('2026-01-02');
    expect(run('TEXT(amount)')).toBeNull();
    expect(run('VALUE("12.5") + 1')).toBe(13.5);
    expect(run('VALUE("12abc")')).toBeNull();
    expect(run('tags', { tags: ['a', 'b'] })).toBe('a, b');
    expect(run('stage', { stage: 'Won' })).toBe('Won');
  });

  it('ROUND rounds half away from zero; MIN/MAX skip blanks; ABS', () => {
    expect(run('ROUND(2.5)')).toBe(3);
    expect(run('ROUND(-2.5)')).toBe(-3);
    expect(run('ROUND(1.005, 2)')).toBe(1.01);
    expect(run('ROUND(1234, -2)')).toBe(1200);
    expect(run('MIN(amount, 3, quantity)', { amount: 5 })).toBe(3);
    expect(run('MAX(amount, quantity)')).toBeNull();
    expect(run('ABS(-4)')).toBe(4);
    expect(run('MAX(close_date, ADDDAYS(close_date, 2))', { close_date: '2026-01-30' })).toBe('2026-02-01');
  });

  it('TODAY and NOW are the tenant zone day and the instant', () => {
    // 23:30 UTC on the 10th is already the 11th in Madrid and still the 10th in New York.
    expect(run('TODAY()', {}, { timeZone: 'Europe/Madrid' })).toBe('2026-03-11');
    expect(run('TODAY()', {}, { timeZone: 'America/New_York' })).toBe('2026-03-10');
    expect(run('NOW()')).toBe('2026-03-10T23:30:00.000Z');
    expect(run('DAY(meeting_at)', { meeting_at: '2026-03-10T23:30:00Z' }, { timeZone: 'Asia/Tokyo' })).toBe(11);
  });

  it('DATEDIFF counts whole units; ADDDAYS keeps the type; YEAR/MONTH/DAY', () => {
    expect(run('DATEDIFF(close_date, TODAY())', { close_date: '2026-03-01' })).toBe(9);
    expect(run('DATEDIFF("x" & "", TODAY())'.replace('"x" & ""', 'close_date'), { close_date: '2026-03-12' })).toBe(-2);
    expect(run('DATEDIFF(close_date, TODAY(), "months")', { close_date: '2026-01-11' })).toBe(1);
    expect(run('DATEDIFF(close_date, TODAY(), "years")', { close_date: '2024-03-11' })).toBe(1);
    expect(run('DATEDIFF(meeting_at, NOW(), "hours")', { meeting_at: '2026-03-10T20:00:00Z' })).toBe(3);
    expect(run('ADDDAYS(close_date, 30)', { close_date: '2026-02-15' })).toBe('2026-03-17');
    expect(run('ADDDAYS(meeting_at, 0.5)', { meeting_at: '2026-03-10T00:00:00Z' })).toBe('2026-03-10T12:00:00.000Z');
    expect(run('close_date - 1', { close_date: '2026-03-01' })).toBe('2026-02-28');
    expect(run('close_date - ADDDAYS(close_date, -7)', { close_date: '2026-03-01' })).toBe(7);
    expect(run('YEAR(close_date) * 100 + MONTH(close_date)', { close_date: '2026-07-04' })).toBe(202607);
    expect(run('DATEDIFF(close_date, TODAY())')).toBeNull();
  });

  it('compares a date with a datetime as tenant-zone days (close_date >= created_at)', () => {
    const values = { close_date: '2026-03-11', meeting_at: '2026-03-10T23:30:00Z' };
    expect(run('close_date >= meeting_at', values, { timeZone: 'UTC' })).toBe(true);
    expect(run('close_date > meeting_at', values, { timeZone: 'UTC' })).toBe(true);
    expect(run('close_date > meeting_at', values, { timeZone: 'Europe/Madrid' })).toBe(false);
    expect(run('close_date >= created_at', { close_date: '2026-03-11', created_at: '2026-03-12T08:00:00Z' })).toBe(false);
  });

  it('follows relationship paths up to 5 hops', () => {
    expect(run('account.owner_contact.email', { 'account.owner_contact.email': 'a@b.co' })).toBe('a@b.co');
    const five = 'account.owner_contact.company.owner_contact.company.name';
    expect(run(five, { [five]: 'Acme' })).toBe('Acme');
    expect(problem(`${five.replace('.name', '')}.owner_contact.email`).code).toBe('path');
  });
});

describe('formula language: errors at their position', () => {
  it('reports syntax errors where they are', () => {
    expect(problem('1 +')).toMatchObject({ code: 'syntax', position: 3 });
    expect(problem('(1 + 2')).toMatchObject({ position: 6 });
    expect(problem('"open')).toMatchObject({ position: 0 });
    expect(problem('1 # 2')).toMatchObject({ position: 2 });
    expect(problem('IF(won, 1 2)')).toMatchObject({ position: 10 });
  });

  it('refuses type errors with the position of the operand at fault', () => {
    expect(problem('name + 1')).toMatchObject({ code: 'type', position: 7 });
    expect(problem('amount * name')).toMatchObject({ code: 'type', position: 9 });
    expect(problem('IF(amount, 1, 2)')).toMatchObject({ code: 'type', position: 3 });
    expect(problem('IF(won, 1, "x")')).toMatchObject({ code: 'type', position: 11 });
    expect(problem('close_date - meeting_at')).toMatchObject({ code: 'type' });
    expect(problem('won < TRUE')).toMatchObject({ code: 'type' });
    expect(problem('DATEDIFF(close_date, TODAY(), "weeks")')).toMatchObject({ code: 'type', position: 30 });
    expect(problem('LEN(amount)')).toMatchObject({ code: 'type', position: 4 });
    expect(problem('contract')).toMatchObject({ code: 'type' });
  });

  it('names unknown fields, functions and broken paths', () => {
    expect(problem('amount + nope')).toMatchObject({ code: 'unknownField', position: 9 });
    expect(problem('SQRT(4)')).toMatchObject({ code: 'unknownFunction', position: 0 });
    expect(problem('ROUND()')).toMatchObject({ code: 'arity' });
    expect(problem('account.nope')).toMatchObject({ code: 'path', position: 8 });
    expect(problem('name.first')).toMatchObject({ code: 'path', position: 0 });
  });
});

describe('formula language: hostile expressions', () => {
  it('finds no JavaScript internals through field or function names', () => {
    for (const name of ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty']) {
      expect(problem(name).code).toBe('unknownField');
      expect(problem(`account.${name}`).code).toBe('path');
      expect(problem(`${name}()`).code).toBe('unknownFunction');
    }
    expect(problem('name.constructor.constructor').code).toBe('path');
  });

  it('bounds nesting, length and size before doing any work', () => {
    expect(problem(`${'('.repeat(200)}1${')'.repeat(200)}`).code).toBe('tooDeep');
    expect(problem(`${'IF(won,'.repeat(100)}1${')'.repeat(100)}`).code).toBe('tooDeep');
    expect(problem('1+'.repeat(1_500) + '1').code).toBe('tooLong');
    expect(problem('1+'.repeat(500) + '1').code).toBe('tooLong');
    expect(() => parseFormula('-'.repeat(FORMULA_LIMITS.maxLength))).toThrow(/nest|parts/);
  });

  it('caps text a formula builds', () => {
    const big = 'x'.repeat(6_000);
    const checked = checkFormula({ expression: 'name & name', module: 'deals', fieldsOf });
    if (!checked.ok) throw new Error('unexpected');
    const result = evaluateFormula(checked.formula, { values: new Map([['name', big]]), timeZone: 'UTC', now: NOW });
    expect(result.ok).toBe(false);
    expect(run('CONCAT(name, name)'.replace(/name/g, 'name'), { name: 'x'.repeat(4_000) })).toHaveLength(8_000);
  });

  it('turns overflow into blank instead of Infinity', () => {
    expect(run('1e308 * 10')).toBeNull();
  });
});

describe('formula fields: result type and cycles', () => {
  const withFormulas = (extra: Record<string, PathField[]>) => (module: string) => [...(MODULES[module] ?? []), ...(extra[module] ?? [])];

  it('refuses a result type the expression does not give', () => {
    const result = checkFormulaField({ module: 'deals', key: 'f', options: { expression: 'amount * 2', result_type: 'text' }, fieldsOf });
    expect(result.ok ? null : result.problem).toMatchObject({ code: 'resultType', position: 0 });
    expect(checkFormulaField({ module: 'deals', key: 'f', options: { expression: 'amount * 2', result_type: 'currency' }, fieldsOf }).ok).toBe(true);
    expect(checkFormulaField({ module: 'deals', key: 'f', options: { expression: 'won', result_type: 'checkbox' }, fieldsOf }).ok).toBe(true);
  });

  it('refuses a cycle within a module, with the position of the reference', () => {
    const fields = withFormulas({
      deals: [
        { key: 'a', type: 'formula', options: { expression: 'b + 1', result_type: 'number' } },
        { key: 'b', type: 'formula', options: { expression: 'quantity + a', result_type: 'number' } },
      ],
    });
    const result = checkFormulaField({ module: 'deals', key: 'a', options: { expression: 'b + 1', result_type: 'number' }, fieldsOf: fields });
    expect(result.ok ? null : result.problem).toMatchObject({ code: 'cycle', position: 0 });
    const self = checkFormulaField({ module: 'deals', key: 'c', options: { expression: '1 + c', result_type: 'number' }, fieldsOf: withFormulas({ deals: [{ key: 'c', type: 'formula', options: { expression: '1 + c', result_type: 'number' } }] }) });
    expect(self.ok ? null : self.problem).toMatchObject({ code: 'cycle', position: 4 });
  });

  it('refuses a cycle across modules through relationship paths', () => {
    const fields = withFormulas({
      accounts: [{ key: 'label', type: 'formula', options: { expression: 'owner_contact.tag', result_type: 'text' } }],
      contacts: [{ key: 'tag', type: 'formula', options: { expression: 'company.label & "!"', result_type: 'text' } }],
    });
    const result = checkFormulaField({ module: 'accounts', key: 'label', options: { expression: 'owner_contact.tag', result_type: 'text' }, fieldsOf: fields });
    expect(result.ok ? null : result.problem).toMatchObject({ code: 'cycle' });
    // A chain without a way back is fine.
    const chain = withFormulas({
      accounts: [{ key: 'label', type: 'formula', options: { expression: 'UPPER(name)', result_type: 'text' } }],
      deals: [{ key: 'account_label', type: 'formula', options: { expression: 'account.label', result_type: 'text' } }],
    });
    expect(checkFormulaField({ module: 'deals', key: 'account_label', options: { expression: 'account.label', result_type: 'text' }, fieldsOf: chain }).ok).toBe(true);
  });
});

describe('formula preview (the field editor)', () => {
  it('checks like the server and evaluates on a sample record, paths blank', async () => {
    const { previewFormula } = await import('./preview-formula.js');
    const base = { module: 'deals', key: 'total', resultType: 'number', fieldsOf, timeZone: 'UTC', now: NOW };
    const sample = { data: { amount: 10, quantity: 3 }, system: { created_at: '2026-01-01T00:00:00Z' } };
    expect(previewFormula({ ...base, expression: 'amount * quantity', sample })).toEqual({ ok: true, value: 30 });
    expect(previewFormula({ ...base, expression: 'DATEDIFF(created_at, TODAY())', sample })).toEqual({ ok: true, value: 68 });
    expect(previewFormula({ ...base, resultType: 'text', expression: 'account.owner_contact.email', sample })).toEqual({ ok: true, value: null });
    expect(previewFormula({ ...base, expression: 'amount * name', sample })).toMatchObject({ ok: false, problem: { position: 9, code: 'type' } });
    expect(previewFormula({ ...base, expression: 'total + 1', sample: null })).toMatchObject({ ok: false, problem: { code: 'cycle' } });
  });
});
