import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { de } from './de';
import { en, MessageKey } from './en';

export type Language = 'en' | 'de';
export const LANGUAGES: Language[] = ['en', 'de'];
const MESSAGES = { en, de };
const CHOICE_KEY = 'clientele.language';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * A numeric `count` picks the plural form `<key>_<category>` (Intl.PluralRules: `one`, `other`,
 * and whatever other categories a language has) when the language has that variant; otherwise
 * `<key>` itself. It is written the language's way ("1,234", "1.234"); other numbers (ids) as they are.
 */
export function translator(language: Language): Translate {
  const messages: Record<string, string> = MESSAGES[language];
  const plurals = new Intl.PluralRules(language);
  const numbers = new Intl.NumberFormat(language);
  return (key, params = {}) => {
    const count = params.count;
    const variant =
      typeof count === 'number' ? messages[`${key}_${plurals.select(count)}`] : undefined;
    const values = typeof count === 'number' ? { ...params, count: numbers.format(count) } : params;
    return (variant ?? messages[key]).replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
  };
}

export const languageOf = (tag: string | null | undefined): Language | undefined =>
  tag ? LANGUAGES.find((language) => tag.toLowerCase().startsWith(language)) : undefined;

/**
 * The language to show: the one the user switched to in this browser, else the user's own
 * locale, else the browser's, else English.
 */
export function chooseLanguage(userLocale?: string | null): Language {
  return (
    languageOf(localStorage.getItem(CHOICE_KEY)) ??
    languageOf(userLocale) ??
    languageOf(navigator.language) ??
    'en'
  );
}

/** A switch is remembered in the browser (only a language: no credentials live in storage). */
export function rememberLanguage(language: Language): void {
  localStorage.setItem(CHOICE_KEY, language);
}

export interface I18n {
  language: Language;
  t: Translate;
  setLanguage: (language: Language) => void;
  formatDate: (iso: string | null | undefined) => string;
  /** The date without the time, for narrow columns. */
  formatDay: (iso: string | null | undefined) => string;
}

export const I18nContext = createContext<I18n>({
  language: 'en',
  t: translator('en'),
  setLanguage: () => undefined,
  formatDate: (iso) => iso ?? '',
  formatDay: (iso) => iso ?? '',
});

export const useI18n = () => useContext(I18nContext);

export function dateFormatter(
  language: Language,
  withTime = true,
): (iso: string | null | undefined) => string {
  const format = new Intl.DateTimeFormat(
    language === 'de' ? 'de-DE' : 'en-US',
    withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' },
  );
  return (iso) => (iso ? format.format(new Date(iso)) : '');
}
