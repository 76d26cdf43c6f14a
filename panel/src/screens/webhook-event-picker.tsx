import { api, answerOf } from '../api';
import { ErrorMessage } from '../components/errors';
import { useResource } from '../components/resource';
import { useI18n } from '../i18n/i18n';

interface EventPickerProps {
  /** `["*"]` for every event, or the chosen event types. */
  value: string[];
  onChange: (events: string[]) => void;
  error?: string;
}

/**
 * The events an endpoint receives: everything (`*`, also event types added later), or the types
 * ticked in the server's event catalog (GET /event-types), each shown with its description.
 */
export function EventPicker({ value, onChange, error }: EventPickerProps) {
  const { t } = useI18n();
  const catalog = useResource(() => answerOf(api.GET('/api/v1/event-types')), []);
  const all = value.includes('*');
  const errorId = error ? 'webhook-events-error' : undefined;

  function toggle(name: string, checked: boolean) {
    const chosen = value.filter((event) => event !== '*' && event !== name);
    onChange(checked ? [...chosen, name] : chosen);
  }

  return (
    <fieldset class={`event-picker${error ? ' has-error' : ''}`} aria-describedby={errorId}>
      <legend>
        {t('events')}
        <span class="required"> ({t('required')})</span>
      </legend>
      <label class="inline">
        <input
          type="checkbox"
          checked={all}
          onChange={(event) => onChange(event.currentTarget.checked ? ['*'] : [])}
        />{' '}
        {t('allEvents')}
      </label>
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
      <ErrorMessage error={catalog.error} />
      {!catalog.data && !catalog.error && <p>{t('loading')}</p>}
      {catalog.data && (
        <ul class="event-types" aria-label={t('eventTypes')}>
          {catalog.data.map((type) => (
            <li key={type.name}>
              <input
                type="checkbox"
                id={`event-${type.name}`}
                checked={all || value.includes(type.name)}
                disabled={all}
                aria-describedby={`event-${type.name}-description`}
                onChange={(event) => toggle(type.name, event.currentTarget.checked)}
              />
              <label for={`event-${type.name}`}>
                <code>{type.name}</code>
              </label>
              <p class="hint" id={`event-${type.name}-description`}>
                <Described text={type.description} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** A catalog description: `backticked` words are field names and paths, shown as code. */
function Described({ text }: { text: string }) {
  return (
    <>
      {text
        .split('`')
        .map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part))}
    </>
  );
}
