import { ApiError } from '../api';
import { fieldMessage } from '../i18n/field-messages';
import { Language, Translate, useI18n } from '../i18n/i18n';

/** An error in words a person can act on, never a bare status code. */
export function describeError(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('networkError');
    if (error.slug === 'account-suspended') return t('accountSuspended');
    if (error.status === 429) return t('tooManyAttempts', { seconds: error.retryAfter ?? 60 });
    if (
      error.status === 404 &&
      error.slug === 'not-found' &&
      /nothing at this address/i.test(error.problem.detail)
    )
      return t('notAvailable');
    const { title, detail } = error.problem;
    return detail && detail !== title ? `${title} ${detail}` : title;
  }
  return t('genericError', { detail: error instanceof Error ? error.message : String(error) });
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p class="message error" role="alert">
      {describeError(t, error)}
    </p>
  );
}

/** The problem's field errors, one message per field, worded by code in the panel's language. */
export function fieldErrorsOf(error: unknown, language: Language): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(
    Object.entries(error.fieldErrors()).map(([field, fieldError]) => [
      field,
      fieldMessage(language, fieldError),
    ]),
  );
}

/** The line above a form that failed: point at the fields when the API named some, else say what went wrong. */
export function failureSummary(
  t: Translate,
  fieldErrors: Record<string, string>,
  error: unknown,
): string {
  return Object.keys(fieldErrors).length > 0 ? t('fixErrors') : describeError(t, error);
}

export interface FormMessageState {
  text: string;
  error: boolean;
}

/** A form's outcome: an alert when it failed, a status line when it worked. */
export function FormMessage({ message }: { message: FormMessageState | undefined }) {
  if (!message) return null;
  return (
    <p
      class={`message ${message.error ? 'error' : 'success'}`}
      role={message.error ? 'alert' : 'status'}
    >
      {message.text}
    </p>
  );
}
