import type { Language } from './i18n';

/**
 * The API's field messages are English sentences from its validators. The panel rewords the
 * common ones so that they read well beside a field, in English and German; anything else is
 * shown as the API wrote it.
 */
const REWORDINGS: Array<{ pattern: RegExp; en: string; de: string }> = [
  {
    pattern:
      /should not be (null or undefined|empty)|must be longer than or equal to 1 characters?$/,
    en: 'This field is required.',
    de: 'Dieses Feld ist erforderlich.',
  },
  {
    pattern: /must be longer than or equal to (\d+) characters/,
    en: 'Use at least $1 characters.',
    de: 'Mindestens $1 Zeichen.',
  },
  {
    pattern: /must be shorter than or equal to (\d+) characters/,
    en: 'Use at most $1 characters.',
    de: 'Höchstens $1 Zeichen.',
  },
  {
    pattern: /must be a valid email address|must be an email/,
    en: 'Enter a valid email address, such as name@example.com.',
    de: 'Geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.com.',
  },
  {
    pattern: /must not contain the username/,
    en: 'The password must not contain the username.',
    de: 'Das Passwort darf den Benutzernamen nicht enthalten.',
  },
  {
    pattern: /currentPassword is wrong/,
    en: 'The current password is wrong.',
    de: 'Das aktuelle Passwort ist falsch.',
  },
  {
    pattern: /currentPassword is required/,
    en: 'Enter your current password to change it.',
    de: 'Geben Sie zum Ändern Ihr aktuelles Passwort ein.',
  },
  {
    pattern: /is already taken/,
    en: 'This is already taken.',
    de: 'Dieser Wert ist bereits vergeben.',
  },
  {
    pattern: /is already used by another customer/,
    en: 'Another customer already uses this.',
    de: 'Ein anderer Kunde verwendet diesen Wert bereits.',
  },
  {
    pattern: /must start with a letter or digit/,
    en: 'Start with a letter or digit; use only letters, digits, ".", "_" and "-".',
    de: 'Mit einem Buchstaben oder einer Ziffer beginnen; nur Buchstaben, Ziffern, „.“, „_“ und „-“.',
  },
  {
    pattern: /must not be one of root/,
    en: 'This username is reserved.',
    de: 'Dieser Benutzername ist reserviert.',
  },
  {
    pattern: /ISO 3166-1 alpha-2/,
    en: 'Enter a two-letter country code, such as DE or US.',
    de: 'Geben Sie einen Ländercode aus zwei Buchstaben ein, z. B. DE.',
  },
  {
    pattern: /must contain only printable characters/,
    en: 'Use only printable characters.',
    de: 'Nur druckbare Zeichen verwenden.',
  },
];

export function rewordFieldMessage(language: Language, message: string): string {
  for (const rewording of REWORDINGS) {
    const match = rewording.pattern.exec(message);
    if (match) return rewording[language].replace('$1', match[1] ?? '');
  }
  return message;
}
