import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { failureSummary, fieldErrorsOf, FormMessageState } from './errors';

interface ApiFormOptions<T> {
  /** The request the form makes; rejects with the API's problem when it fails. */
  send: () => Promise<T>;
  /** What the screen does with the answer once the request succeeded. */
  onSent: (answer: T) => void;
  /** Fields holding a list: errors about one entry (`allowedIps.1`) show beside the whole field. */
  listFields?: string[];
}

/**
 * A form that sends one request to the API: its submit handler, the errors the API named per
 * field and the line above the form when the request failed.
 */
export function useApiForm<T>({ send, onSent, listFields = [] }: ApiFormOptions<T>) {
  const { t, language } = useI18n();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<FormMessageState | undefined>();

  async function submit(event: Event) {
    event.preventDefault();
    setMessage(undefined);
    try {
      const answer = await send();
      setErrors({});
      onSent(answer);
    } catch (error) {
      const fieldErrors = fieldErrorsOf(error, language);
      for (const list of listFields)
        for (const [field, text] of Object.entries(fieldErrors))
          if (field.startsWith(`${list}.`)) fieldErrors[list] ??= text;
      setErrors(fieldErrors);
      setMessage({ text: failureSummary(t, fieldErrors, error), error: true });
    }
  }

  return { errors, message, submit };
}
