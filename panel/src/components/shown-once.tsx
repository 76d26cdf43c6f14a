import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

interface ShownOnceProps {
  /** Id of the card's heading, which names the card. */
  titleId: string;
  /** Id of the read-only input that holds the value. */
  inputId: string;
  title: string;
  text: string;
  value: string | undefined;
  onDismiss: () => void;
}

/** A value the API answers with only once (a new API key, a webhook's secret), with a copy button. */
export function ShownOnce({ titleId, inputId, title, text, value, onDismiss }: ShownOnceProps) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value ?? '');
    } catch {
      // Without clipboard access (plain http), select the text so Ctrl+C copies it.
      (document.getElementById(inputId) as HTMLInputElement | null)?.select();
    }
    setCopied(true);
  }
  return (
    <section class="card notice" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p>{text}</p>
      <div class="secret-row">
        <label for={inputId} class="visually-hidden">
          {title}
        </label>
        <input
          id={inputId}
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={() => void copy()}>
          {t('copy')}
        </button>
        <button type="button" class="secondary" onClick={onDismiss}>
          {t('dismiss')}
        </button>
      </div>
      <p role="status" class="hint">
        {copied ? t('copied') : ''}
      </p>
    </section>
  );
}
