import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FieldInput, type FieldInputValue } from './field-input';

type Field = Parameters<typeof FieldInput>[0]['field'];

const buildField = (overrides: Partial<Field> = {}): Field => ({ key: 'amount', type: 'text', options: undefined, ...overrides }) as Field;

function render(field: Field, value: FieldInputValue, variant: 'edit' | 'criterion' = 'edit', extra: { special?: string } = {}): string {
  return renderToStaticMarkup(
    <FieldInput field={field} value={value} onChange={() => undefined} id="f" testId="input" variant={variant} emptyOptionLabel="Any" special={extra.special} />,
  );
}

describe('FieldInput picks the widget by field type', () => {
  it('types numbers and money as text with a decimal keyboard, so "12,500" can be typed', () => {
    expect(render(buildField({ type: 'number' }), '12500')).toMatch(/<input[^>]*type="text"[^>]*inputMode="decimal"/);
    const money = render(buildField({ type: 'currency', options: { currency: 'EUR' } as never }), '3');
    expect(money).toContain('input-affix');
    expect(money).toContain('€');
  });

  it('uses the browser date pickers for dates', () => {
    expect(render(buildField({ type: 'date' }), '2026-03-02')).toContain('type="date"');
    expect(render(buildField({ type: 'datetime' }), '')).toContain('type="datetime-local"');
  });

  it('edits a checkbox as a checkbox, but asks yes / no when it is a criterion', () => {
    expect(render(buildField({ type: 'checkbox' }), true)).toMatch(/type="checkbox"[^>]*checked/);
    const criterion = render(buildField({ type: 'checkbox' }), '', 'criterion');
    expect(criterion).toContain('<select');
    expect(criterion).toContain('value="true"');
    expect(criterion).toContain('value="false"');
  });

  it('offers a select’s options, and a multi-select as boxes to tick (one option as a criterion)', () => {
    const options = ['Open', 'Won'];
    expect(render(buildField({ type: 'select', options }), 'Won')).toContain('<option value="Won" selected="">');
    const boxes = render(buildField({ type: 'multi_select', options }), ['Won']);
    expect(boxes).toContain('role="group"');
    expect((boxes.match(/type="checkbox"/g) ?? []).length).toBe(2);
    expect(render(buildField({ type: 'multi_select', options }), '', 'criterion')).toContain('<option value="" selected="">Any</option>');
  });

  it('renders what the caller passes for relationship and file values', () => {
    expect(render(buildField({ type: 'relationship' }), '', 'edit', { special: 'PICKER' })).toBe('PICKER');
  });

  it('names the input with the id a label points at', () => {
    expect(render(buildField({ type: 'email' }), 'a@b.c')).toMatch(/id="f"[^>]*type="email"|type="email"[^>]*id="f"/);
  });
});
