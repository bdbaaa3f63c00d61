import { useState } from 'preact/hooks';
import type { ThreadViewState } from '../../../shared/sidebar-port';
import { formatCount } from '../../../ui/format';
import { t } from '../../../ui/i18n';
import { useSidebarStore } from '../../use-sidebar-store';

/** Longer lists show this many until asked for all (a 10,000-person thread must not stall the sidebar). */
export const PARTICIPANTS_SHOWN = 50;

const sameAddress = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

export function ThreadParticipantsView({ state }: { state: ThreadViewState }) {
  const { thread, account } = state;
  const [showAll, setShowAll] = useState(false);
  if (!thread) {
    return (
      <section class="empty" aria-labelledby="empty-title" data-testid="empty-state">
        <h2 id="empty-title">{t('noThreadTitle')}</h2>
        <p>{t('noThreadText')}</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="thread-subject" data-testid="thread" data-thread-id={thread.threadId}>
      <h2 id="thread-subject" class="subject" title={thread.subject}>
        {thread.subject.trim() === '' ? t('noSubject') : thread.subject}
      </h2>
      <p class="meta">
        {thread.participants.length === 1
          ? t('participantsOne')
          : t('participantsMany', formatCount(thread.participants.length))}
      </p>
      {(thread.unreadMessages ?? 0) > 0 && (
        // Collapsed messages whose people InboxSDK could not read (issue 15).
        <p class="meta" data-testid="unread-messages">
          {t('collapsedNotRead', formatCount(thread.unreadMessages ?? 0))}
        </p>
      )}
      <ul class="participants" aria-label={t('participantsLabel')}>
        {(showAll ? thread.participants : thread.participants.slice(0, PARTICIPANTS_SHOWN)).map((person) => {
          const isYou = account !== null && sameAddress(person.address, account);
          return (
            <li
              key={person.address}
              class="participant"
              data-testid="participant"
              data-you={isYou || undefined}
            >
              <span class="avatar" aria-hidden="true">
                {(person.name || person.address).trim().charAt(0).toUpperCase()}
              </span>
              <span class="who">
                <span class="name" dir="auto" title={person.name || person.address}>
                  {person.name || person.address}
                  {isYou && <span class="you">{t('you')}</span>}
                </span>
                <span class="address" dir="ltr" title={person.address}>
                  {person.address}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
      {!showAll && thread.participants.length > PARTICIPANTS_SHOWN && (
        <button
          type="button"
          class="link"
          onClick={() => setShowAll(true)}
          data-testid="show-all-participants"
        >
          {t('showAllParticipants', formatCount(thread.participants.length))}
        </button>
      )}
    </section>
  );
}

/** Who is on the open thread: subject and each participant, the signed-in user marked "you". */
export function ThreadParticipants() {
  const state = useSidebarStore((s) => s.thread);
  if (!state) return null;
  return <ThreadParticipantsView state={state} />;
}
