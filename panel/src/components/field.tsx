import { ComponentChildren } from 'preact';
import { useI18n } from '../i18n/i18n';

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
  type?: string;
  multiline?: boolean;
  autoComplete?: string;
  maxLength?: number;
  children?: ComponentChildren;
}

/**
 * A labelled input with its hint and its error right beside it: the error is tied to the input by
 * aria-describedby and marks it aria-invalid, so screen readers announce it too.
 */
export function Field({
  id,
  label,
  value,
  onInput,
  error,
  hint,
  required,
  type = 'text',
  multiline,
  autoComplete,
  maxLength,
  children,
}: FieldProps) {
  const { t } = useI18n();
  const described =
    [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: id,
    value,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': described,
    'aria-required': required ? ('true' as const) : undefined,
    maxLength,
    onInput: (event: Event) => onInput((event.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>
        {label}
        {required && <span class="required"> ({t('required')})</span>}
      </label>
      <div class="field-control">
        {multiline ? (
          <textarea rows={4} {...common} />
        ) : (
          <input type={type} autoComplete={autoComplete ?? 'off'} {...common} />
        )}
      </div>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

interface SelectProps<Value extends string> {
  id: string;
  label: string;
  value: Value;
  options: Array<{ value: Value; label: string }>;
  onChange: (value: Value) => void;
  error?: string;
}

/** The choice among `choices` that a form control's text names, if any (the empty option is none). */
export function choiceOf<Choice extends string>(
  choices: readonly Choice[],
  value: string,
): Choice | undefined {
  return choices.find((choice) => choice === value);
}

/** A choice among `options`; `onChange` gets the chosen option's own value, typed as the options are. */
export function SelectField<Value extends string>({
  id,
  label,
  value,
  options,
  onChange,
  error,
}: SelectProps<Value>) {
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <select
        id={id}
        name={id}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(options[event.currentTarget.selectedIndex].value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
