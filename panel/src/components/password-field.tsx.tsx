import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { Field } from './field';

const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!+';

const CLASSES = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/];

/**
 * 16 characters from a generous alphabet, drawn with the browser's CSPRNG, with every character
 * class in it (so the strength hint says "strong" and picky password policies elsewhere accept it).
 */
export function generatePassword(length = 16): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
  let password = '';
  for (const byte of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (byte < 256 - (256 % ALPHABET.length)) password += ALPHABET[byte % ALPHABET.length];
    if (password.length === length) break;
  }
  const complete = password.length === length && CLASSES.every((pattern) => pattern.test(password));
  return complete ? password : generatePassword(length);
}

export type Strength = 'empty' | 'weak' | 'medium' | 'strong';

/** A rough hint: length and variety of character classes; the server enforces the real rules. */
export function strengthOf(password: string, username = ''): Strength {
  if (!password) return 'empty';
  if (password.length < 8 || (username && password.toLowerCase().includes(username.toLowerCase())))
    return 'weak';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) =>
    pattern.test(password),
  ).length;
  const score = (password.length >= 12 ? 2 : 1) + (classes >= 3 ? 2 : classes >= 2 ? 1 : 0);
  return score >= 4 ? 'strong' : score >= 2 ? 'medium' : 'weak';
}

interface PasswordFieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  username?: string;
  error?: string;
  hint?: string;
  required?: boolean;
  withGenerator?: boolean;
}

export function PasswordField({
  id,
  label,
  value,
  onInput,
  username,
  error,
  hint,
  required,
  withGenerator = true,
}: PasswordFieldProps) {
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  const strength = strengthOf(value, username);
  return (
    <Field
      id={id}
      label={label}
      value={value}
      onInput={onInput}
      error={error}
      hint={hint}
      required={required}
      type={visible ? 'text' : 'password'}
      autoComplete="new-password"
      maxLength={255}
    >
      <div class="password-tools">
        {withGenerator && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              onInput(generatePassword());
              setVisible(true);
            }}
          >
            {t('generate')}
          </button>
        )}
        <label class="inline">
          <input
            type="checkbox"
            checked={visible}
            onChange={(event) => setVisible(event.currentTarget.checked)}
          />{' '}
          {t('showPassword')}
        </label>
        <span class={`strength strength-${strength}`} aria-live="polite">
          <span class="strength-bar" aria-hidden="true">
            <span />
          </span>
          {t('strength', { level: t(`strength_${strength}`) })}
        </span>
      </div>
    </Field>
  );
}
