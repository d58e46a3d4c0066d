/** Several values picked from a short list (statuses, fields), as toggle chips. */
export function ChoiceToggles({
  options,
  value,
  onChange,
  testId,
}: {
  options: ReadonlyArray<{ value: string; label: string }>;
  value: readonly string[];
  onChange: (next: string[]) => void;
  testId?: string;
}) {
  return (
    <div className="choice-grid" data-testid={testId}>
      {options.map((option) => {
        const on = value.includes(option.value);
        return (
          <label key={option.value} className={`choice${on ? ' on' : ''}`}>
            <input
              type="checkbox"
              checked={on}
              onChange={() => onChange(on ? value.filter((item) => item !== option.value) : [...value, option.value])}
            />
            <span>{option.label}</span>
          </label>
        );
      })}
    </div>
  );
}
