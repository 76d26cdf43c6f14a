import { api, answerOf } from '../api';
import { ErrorMessage } from '../components/errors';
import { useResource } from '../components/resource';
import { en, MessageKey } from '../i18n/en';
import { Translate, useI18n } from '../i18n/i18n';
import { AuditEntry } from '../model';

const known = (key: string): key is MessageKey => key in en;

/** `customer.suspended` -> "Customer suspended" / "Kunde gesperrt"; unknown types stay as they are. */
function describeEvent(t: Translate, type: string): string {
  const [object, verb] = type.split('.');
  const objectKey = `object_${object}`;
  const verbKey = `verb_${verb}`;
  return known(objectKey) && known(verbKey) ? `${t(objectKey)} ${t(verbKey)}` : type;
}

/** `admin:1` -> "Administrator 1", `customer:5` -> "Customer 5", `system` -> "System". */
export function describeActor(t: Translate, actor: string): string {
  const [kind, id] = actor.split(':');
  const key = `actor_${kind}`;
  return known(key) ? t(key, { id: id ?? '' }).trim() : actor;
}

function describeObject(t: Translate, entry: AuditEntry): string {
  const key = `object_${entry.object.type}`;
  // Payloads carry the object under its type: { domain: { name, unicodeName, ... } }.
  const view = entry.data?.[entry.object.type] as
    { name?: unknown; unicodeName?: unknown } | undefined;
  const name =
    [view?.unicodeName, view?.name].find((value) => typeof value === 'string') ?? entry.object.id;
  return `${known(key) ? t(key) : entry.object.type} ${String(name)}`;
}

/**
 * What happened to a customer and what it owns (subscriptions, domains), newest first, from
 * GET /audit?customerId=. `version` reloads it.
 */
export function AuditTrail({ customerId, version }: { customerId: number; version: number }) {
  const { t, formatDate } = useI18n();
  const entries = useResource(
    async () =>
      (await answerOf(api.GET('/api/v1/audit', { params: { query: { customerId } } }))).items,
    [customerId, version],
  );
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('auditTrail')}</h2>
      <ErrorMessage error={entries.error} />
      {entries.data?.length === 0 && <p class="empty">{t('noAudit')}</p>}
      {(entries.data?.length ?? 0) > 0 && (
        <div class="table-wrap">
          <table class="audit">
            <thead>
              <tr>
                <th scope="col">{t('when')}</th>
                <th scope="col">{t('event')}</th>
                <th scope="col">{t('actor')}</th>
                <th scope="col" class="optional">
                  {t('object')}
                </th>
              </tr>
            </thead>
            <tbody>
              {(entries.data ?? []).map((entry) => (
                <tr key={entry.id}>
                  <td class="nowrap">{formatDate(entry.occurredAt)}</td>
                  <td title={entry.type}>{describeEvent(t, entry.type)}</td>
                  <td>{describeActor(t, entry.actor)}</td>
                  <td class="optional">
                    {describeObject(t, entry)}
                    {entry.jobId !== null &&
                      ` · ${t('jobTitle', { id: entry.jobId, action: '' }).replace(/:\s*$/, '')}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
