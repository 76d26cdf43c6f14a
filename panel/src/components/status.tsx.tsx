import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { Status } from '../model';

export function StatusBadge({ status, reasons = [] }: { status: Status; reasons?: string[] }) {
  const { t } = useI18n();
  const named = reasons.map((reason) => t(`reason_${reason}` as MessageKey) || reason);
  return (
    <span class={`status status-${status}`}>
      <span class="status-dot" aria-hidden="true" />
      {t(status)}
      {status === 'suspended' && named.length > 0 && (
        <span class="reasons"> ({named.join(', ')})</span>
      )}
    </span>
  );
}
