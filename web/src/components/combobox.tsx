import { Combobox as AriakitCombobox, ComboboxItem, ComboboxPopover, ComboboxProvider } from '@ariakit/react';

export interface ComboboxOption {
  readonly id: string;
  readonly label: string;
  readonly hint?: string;
}

/**
 * A text input with a list of matches (WAI-ARIA combobox): arrows move through
 * the options, Enter picks, Escape closes. The caller owns the text and the
 * options (searched on the server as the user types); `id` lets a `<label
 * htmlFor>` name the input.
 */
export function Combobox({
  id,
  text,
  onTextChange,
  options,
  onPick,
  placeholder,
  invalid,
  status,
  testId,
  ariaLabel,
  autoFocus,
  onOpenChange,
}: {
  id?: string;
  text: string;
  onTextChange: (text: string) => void;
  options: readonly ComboboxOption[];
  onPick: (option: ComboboxOption) => void;
  placeholder?: string;
  invalid?: boolean;
  /** A line shown instead of options: loading, no matches, or an error. */
  status?: { readonly text: string; readonly error?: boolean } | null;
  testId?: string;
  ariaLabel?: string;
  autoFocus?: boolean;
  /** Told when the list opens or closes (e.g. to start searching only once the user is here). */
  onOpenChange?: (open: boolean) => void;
}) {
  return (
    <ComboboxProvider value={text} setValue={onTextChange} setOpen={onOpenChange} placement="bottom-start">
      <AriakitCombobox
        id={id}
        className="combobox-input"
        placeholder={placeholder}
        aria-invalid={invalid || undefined}
        aria-label={ariaLabel}
        data-testid={testId}
        autoSelect
        autoFocus={autoFocus}
        showOnClick
        showOnChange
      />
      <ComboboxPopover className="combobox-list" gutter={4} sameWidth unmountOnHide portal={false} aria-label={ariaLabel ?? placeholder}>
        {status ? <div className={`combobox-status${status.error ? ' error-text' : ' muted'}`}>{status.text}</div> : null}
        {options.map((option) => (
          <ComboboxItem key={option.id} className="combobox-item" value={option.label} setValueOnClick={false} onClick={() => onPick(option)}>
            <span>{option.label}</span>
            {option.hint ? <span className="muted small">{option.hint}</span> : null}
          </ComboboxItem>
        ))}
      </ComboboxPopover>
    </ComboboxProvider>
  );
}
