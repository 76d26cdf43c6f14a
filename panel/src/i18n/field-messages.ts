import type { components } from '../api-schema';
import type { Language } from './i18n';

type FieldError = components['schemas']['FieldErrorView'];
type Code = FieldError['code'];
type Wording = { en: string; de: string };

/**
 * The API names each field error with a stable `code` (and a `limit` for lengths and ranges); the
 * panel words it for a person, in English and German. A code it has no words for shows the API's
 * own (English) message.
 */
const WORDING: Partial<Record<Code, Wording | ((limit: number) => Wording)>> = {
  required: { en: 'This field is required.', de: 'Dieses Feld ist erforderlich.' },
  too_short: (limit) =>
    limit <= 1
      ? { en: 'This field is required.', de: 'Dieses Feld ist erforderlich.' }
      : { en: `Use at least ${limit} characters.`, de: `Mindestens ${limit} Zeichen.` },
  too_long: (limit) => ({
    en: `Use at most ${limit} characters.`,
    de: `Höchstens ${limit} Zeichen.`,
  }),
  invalid_email: {
    en: 'Enter a valid email address, such as name@example.com.',
    de: 'Geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.com.',
  },
  contains_username: {
    en: 'The password must not contain the username.',
    de: 'Das Passwort darf den Benutzernamen nicht enthalten.',
  },
  wrong_password: {
    en: 'The current password is wrong.',
    de: 'Das aktuelle Passwort ist falsch.',
  },
  not_unique: { en: 'This is already taken.', de: 'Dieser Wert ist bereits vergeben.' },
  invalid_username: {
    en: 'Start with a letter or digit; use only letters, digits, ".", "_" and "-".',
    de: 'Mit einem Buchstaben oder einer Ziffer beginnen; nur Buchstaben, Ziffern, „.“, „_“ und „-“.',
  },
  reserved: { en: 'This username is reserved.', de: 'Dieser Benutzername ist reserviert.' },
  invalid_country: {
    en: 'Enter a two-letter country code, such as DE or US.',
    de: 'Geben Sie einen Ländercode aus zwei Buchstaben ein, z. B. DE.',
  },
  invalid_locale: {
    en: 'Choose a language such as en-US or de-DE.',
    de: 'Wählen Sie eine Sprache wie en-US oder de-DE.',
  },
  not_printable: { en: 'Use only printable characters.', de: 'Nur druckbare Zeichen verwenden.' },
  control_characters: {
    en: 'Remove the control characters (such as tabs or line breaks).',
    de: 'Entfernen Sie die Steuerzeichen (etwa Tabulatoren oder Zeilenumbrüche).',
  },
  invalid_unicode: {
    en: 'This text holds a character that cannot be stored.',
    de: 'Dieser Text enthält ein Zeichen, das nicht gespeichert werden kann.',
  },
  invalid_date: {
    en: 'Enter a real date and time.',
    de: 'Geben Sie ein gültiges Datum mit Uhrzeit ein.',
  },
};

/** Words that depend on the field as well as the code. */
const BY_FIELD: Record<string, Partial<Record<Code, Wording>>> = {
  currentPassword: {
    required: {
      en: 'Enter your current password to change it.',
      de: 'Geben Sie zum Ändern Ihr aktuelles Passwort ein.',
    },
  },
  externalId: {
    not_unique: {
      en: 'Another customer already uses this.',
      de: 'Ein anderer Kunde verwendet diesen Wert bereits.',
    },
  },
};

export function fieldMessage(language: Language, error: FieldError): string {
  const wording = BY_FIELD[error.field]?.[error.code] ?? WORDING[error.code];
  if (!wording) return error.message;
  return (typeof wording === 'function' ? wording(error.limit ?? 0) : wording)[language];
}
