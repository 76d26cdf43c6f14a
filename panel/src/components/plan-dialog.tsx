import { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { JobPlan } from '../model';

interface PlanDialogProps {
  title: string;
  confirmLabel: string;
  /** Suspending asks for a reason; removing does not. */
  withReason: boolean;
  onConfirm: (plan: JobPlan) => void;
  onCancel: () => void;
  /** The warning and the names of the customers concerned. */
  children?: ComponentChildren;
}

/** The browser's own time zone, named for the hint beside the time field. */
const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * A modal <dialog> that asks for a suspension reason (staff only) and an optional date and time
 * in the user's time zone: empty acts now, a time schedules the job. `datetime-local` gives a
 * local wall-clock time; `new Date()` reads it in the browser's zone, so the API gets UTC.
 * As in ConfirmDialog, Cancel has the focus first and Escape cancels.
 */
export function PlanDialog({
  title,
  confirmLabel,
  withReason,
  onConfirm,
  onCancel,
  children,
}: PlanDialogProps) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [reason, setReason] = useState('');
  const [at, setAt] = useState('');
  useEffect(() => {
    dialog.current?.showModal();
    cancel.current?.focus();
  }, []);

  function confirm(event: Event) {
    event.preventDefault();
    const plan: JobPlan = {};
    if (withReason && reason.trim() !== '') plan.reason = reason.trim();
    if (at !== '') plan.runAt = new Date(at).toISOString();
    onConfirm(plan);
  }

  return (
    <dialog
      ref={dialog}
      class="confirm plan"
      aria-labelledby="plan-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={confirm}>
        <h2 id="plan-title">{title}</h2>
        {children && <div class="warning">{children}</div>}
        {withReason && (
          <div class="field">
            <label for="plan-reason">{t('suspensionReason')}</label>
            <div class="field-control">
              <input
                id="plan-reason"
                type="text"
                maxLength={255}
                value={reason}
                aria-describedby="plan-reason-hint"
                onInput={(event) => setReason(event.currentTarget.value)}
              />
              <p id="plan-reason-hint" class="hint">
                {t('suspensionReasonHint')}
              </p>
            </div>
          </div>
        )}
        <div class="field">
          <label for="plan-at">{t('runAt')}</label>
          <div class="field-control">
            <input
              id="plan-at"
              type="datetime-local"
              value={at}
              aria-describedby="plan-at-hint"
              onInput={(event) => setAt(event.currentTarget.value)}
            />
            <p id="plan-at-hint" class="hint">
              {t('runAtHint', { zone: timeZone() })}
            </p>
          </div>
        </div>
        <div class="buttons">
          <button type="button" ref={cancel} class="secondary" onClick={onCancel}>
            {t('cancel')}
          </button>
          <button type="submit" class="danger">
            {at === '' ? confirmLabel : t('schedule')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
