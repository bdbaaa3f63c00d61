import { useState } from 'preact/hooks';
import type { RecordRef } from '../../../shared/crm-model';
import type { ResponseOf } from '../../../shared/protocol';
import { formatCount } from '../../../ui/format';
import { t } from '../../../ui/i18n';
import { Icon } from '../../../ui/icon';
import { ActionStatus, useAction } from '../../../ui/use-action';
import { RecordSelect } from '../../components/record-select';
import { prohibitedLabel } from '../../prohibited-label';
import { ask } from '../../sidebar-api';
import { refOfKey, threadRecords } from '../../thread-records';
import { useSidebarStore } from '../../use-sidebar-store';

type Prohibited = NonNullable<Extract<ResponseOf<'logThread'>, { ok: false }>['prohibited']>;

/**
 * The open thread in the CRM: which records it is linked to (links live in the CRM as activities,
 * so teammates and other devices see them), linking and unlinking, and logging every message of the
 * thread on the linked records exactly once, at the content level settings allow.
 */
export function ThreadLinks() {
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  const threadId = useSidebarStore((s) => s.thread?.thread?.threadId ?? null);
  const cards = useSidebarStore((s) => s.cards?.contacts ?? null);
  const extras = useSidebarStore((s) => s.extras?.extras ?? null);
  const askConsent = useSidebarStore((s) => s.askConsent);
  const [choice, setChoice] = useState('');
  const [prohibited, setProhibited] = useState<Prohibited | null>(null);
  const { busy, message, error, run } = useAction();

  if (!account || !threadId || !cards || !extras) return null;
  const choices = threadRecords(cards, extras).filter(
    (c) => !extras.links.some((l) => `${l.type}:${l.id}` === c.key),
  );
  const selected = refOfKey(choices, choice) ?? choices[0]?.ref ?? null;
  const level = extras.settings.emailContentLevel;

  /** Runs `action` now if the user has consented, else after they press "Allow" in the notice. */
  const withConsent = (action: () => void) => {
    if (extras.consent.emailLogging) action();
    else askConsent(true, action);
  };

  const link = (record: RecordRef) =>
    withConsent(() => void run(() => ask('linkThread', { account, threadId, record }), t('linkedDone')));
  const unlink = (record: RecordRef) =>
    withConsent(() => void run(() => ask('unlinkThread', { account, threadId, record }), t('unlinkedDone')));
  const sendLog = (choiceOnFinding?: 'redact' | 'send') => {
    const records: RecordRef[] = extras.links.map((l) => ({ type: l.type, id: l.id }));
    if (records.length === 0 && selected) records.push(selected);
    if (records.length === 0) return;
    setProhibited(null);
    void run(
      () =>
        ask('logThread', {
          account,
          threadId,
          records,
          ...(choiceOnFinding ? { prohibited: choiceOnFinding } : {}),
        }),
      (answer) => (answer.unread > 0 ? t('queuedSomeUnread', formatCount(answer.unread)) : t('queuedDone')),
    ).then((answer) => {
      if (answer && !answer.ok) {
        // After Allow, the Log the user pressed goes ahead (with their answer to the guard, if any).
        if (answer.needsConsent) askConsent(true, () => sendLog(choiceOnFinding));
        if (answer.prohibited) setProhibited(answer.prohibited);
      }
    });
  };
  const log = (choiceOnFinding?: 'redact' | 'send') => withConsent(() => sendLog(choiceOnFinding));

  const logged = extras.loggedMessages;
  const total = extras.messageCount;
  return (
    <section class="thread-links" aria-labelledby="links-title" data-testid="thread-links">
      <h2 id="links-title">{t('inTheCrm')}</h2>
      {extras.links.length === 0 ? (
        <p class="muted small">{t('notLinked')}</p>
      ) : (
        <ul class="chips" aria-label={t('linkedRecords')}>
          {extras.links.map((l) => (
            <li key={`${l.type}:${l.id}`} class="chip link" data-testid="link-chip">
              <span class="chip-text" dir="auto" title={l.title}>
                {l.title}
              </span>
              {l.pending && <span class="muted small">{t('saving')}</span>}
              <button
                type="button"
                class="chip-remove"
                aria-label={t('unlinkLabel', l.title)}
                onClick={() => unlink({ type: l.type, id: l.id })}
                disabled={busy}
              >
                <Icon name="close" size={14} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {choices.length > 0 && (
        <div class="inline-form">
          <RecordSelect
            label={t('linkTo')}
            choices={choices}
            value={choice}
            onChange={setChoice}
            testId="link-choice"
          />
          <button
            type="button"
            onClick={() => selected && link(selected)}
            disabled={busy || !selected}
            data-testid="link-button"
          >
            <Icon name="link" />
            {t('link')}
          </button>
        </div>
      )}
      <div class="log-row">
        <p class="small" data-testid="logged-count">
          {total === 0
            ? t('noMessagesToLog')
            : total === 1
              ? t('loggedCountOne', logged)
              : t('loggedCountMany', logged, total)}
        </p>
        {level === 'none' ? (
          <p class="muted small">{t('loggingOff')}</p>
        ) : (
          <div class="inline-form">
            {/* No visibility choice: the CRM's API has none for activities (see PRIVACY.md). */}
            <p class="muted small" data-testid="log-visibility-note">
              {t('logVisibleNote')}
            </p>
            <button
              type="button"
              class="primary"
              onClick={() => log()}
              disabled={busy || logged >= total || (extras.links.length === 0 && !selected)}
              data-testid="log-thread"
            >
              <Icon name="mail" />
              {extras.links.length === 0 ? t('linkAndLog') : t('logThread')}
            </button>
          </div>
        )}
        <p class="muted small">{level === 'full' ? t('logsFull') : t('logsMetadata')}</p>
      </div>
      {extras.settings.autoLogChangeable && (
        <label class="checkbox">
          <input
            type="checkbox"
            checked={extras.settings.autoLog}
            onChange={(e) => {
              const checked = (e.target as HTMLInputElement).checked;
              // Through the shared action status: a refusal (a setting the admin locked) is shown.
              void run(() => ask('setUserSettings', { patch: { autoLogDefault: checked } }), t('saved'));
            }}
            data-testid="auto-log-toggle"
          />
          {t('autoLogToggle')}
        </label>
      )}
      {prohibited && (
        <div role="alert" class="guard" data-testid="guard-findings">
          <p>{prohibited.mode === 'block' ? t('guardThreadBlock') : t('guardThreadWarn')}</p>
          <ul>
            {prohibited.findings.map((f) => (
              <li key={`${f.message}-${f.start}`}>
                {t('guardFinding', prohibitedLabel(f.kind), t('whereMessage', f.message ?? 0, f.of ?? 0))}
              </li>
            ))}
          </ul>
          <button type="button" class="primary" onClick={() => log('redact')} data-testid="guard-redact">
            {t('guardRemoveAndLog')}
          </button>
          {prohibited.mode === 'warn' && (
            <button type="button" onClick={() => log('send')} data-testid="guard-send">
              {t('guardLogAnyway')}
            </button>
          )}
        </div>
      )}
      <ActionStatus message={message} error={error} />
    </section>
  );
}
