import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { Person } from '../../../shared/crm-model';
import type { ContactCard as Card, DealView } from '../../../shared/sidebar-port';
import { formatDate, formatMoney } from '../../../ui/format';
import { t } from '../../../ui/i18n';
import { Icon } from '../../../ui/icon';
import { ActionStatus, useAction } from '../../../ui/use-action';
import { TextField } from '../../components/text-field';
import { ask } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

function Deals({ deals }: { deals: DealView[] }) {
  if (deals.length === 0) return null;
  return (
    <section class="deals" aria-label={t('openDeals')}>
      <h4>{t('openDeals')}</h4>
      <ul>
        {deals.map(({ deal, pipelineName, stageName }) => (
          <li key={deal.id} data-testid="deal">
            <span class="deal-name" dir="auto" title={deal.name}>
              {deal.name}
            </span>
            <span class="deal-meta">
              {pipelineName && <span>{pipelineName}</span>}
              {stageName && <span class="chip stage">{stageName}</span>}
              {deal.value !== null && <span class="value">{formatMoney(deal.value)}</span>}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Activities({ card }: { card: Card }) {
  if (card.activities === null) return <p class="muted small">{t('loadingActivity')}</p>;
  if (card.activities.length === 0) return <p class="muted small">{t('noActivity')}</p>;
  return (
    <section class="activities" aria-label={t('recentActivity')}>
      <h4>{t('recentActivity')}</h4>
      <ul>
        {card.activities.map((a) => (
          <li key={a.id}>
            <span class="activity-head">
              {a.typeName} · {formatDate(a.at)}
            </span>
            {a.details && (
              <span class="activity-details" title={a.details}>
                {a.details}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function EditPerson({
  person,
  detailsKnown,
  account,
  onDone,
}: {
  person: Person;
  /** Phones and tags are written whole, so they are offered only when known, as they were at opening. */
  detailsKnown: boolean;
  account: string;
  onDone: () => void;
}) {
  const [title, setTitle] = useState(person.title ?? '');
  const [phone, setPhone] = useState(person.phones[0]?.value ?? '');
  const [tags, setTags] = useState(person.tags.join(', '));
  const [withDetails] = useState(detailsKnown);
  // HubSpot's "tags" are its lifecycle stage, which Threadline shows but does not write (status `tags`).
  const tagsEditable = useSidebarStore((s) => s.status?.tags !== false) && withDetails;
  const { busy, message, error, run } = useAction();
  const save = async () => {
    const phones =
      phone.trim() === ''
        ? person.phones.slice(1)
        : [
            { value: phone.trim(), category: person.phones[0]?.category ?? 'work' },
            ...person.phones.slice(1),
          ];
    // Through the shared action status: a refusal or a worker that does not answer is shown, never a frozen form.
    const answer = await run(
      () =>
        ask('updatePerson', {
          account,
          personId: person.id,
          patch: {
            title: title.trim() === '' ? null : title.trim(),
            ...(withDetails ? { phones } : {}),
            ...(tagsEditable
              ? {
                  tags: tags
                    .split(',')
                    .map((t) => t.trim())
                    .filter(Boolean),
                }
              : {}),
          },
        }),
      t('personSaved'),
    );
    if (answer?.ok) onDone();
  };
  return (
    <form
      class="edit"
      aria-label={t('editPersonLabel', person.name)}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone();
      }}
    >
      <TextField
        label={t('fieldTitle')}
        value={title}
        onChange={setTitle}
        maxLength={500}
        testId="edit-title"
      />
      {withDetails ? (
        <TextField
          label={t('fieldPhone')}
          value={phone}
          onChange={setPhone}
          maxLength={50}
          inputMode="tel"
          testId="edit-phone"
        />
      ) : (
        <p class="hint" data-testid="edit-details-loading">
          {t('detailsLoading')}
        </p>
      )}
      {tagsEditable && (
        <TextField label={t('fieldTags')} value={tags} onChange={setTags} testId="edit-tags" />
      )}
      <ActionStatus message={message} error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

function PersonCard({ card, account }: { card: Card; account: string }) {
  const [editing, setEditing] = useState(false);
  const tagsEditable = useSidebarStore((s) => s.status?.tags !== false);
  const person = card.person;
  if (!person) return null;
  const address = person.address
    ? [person.address.street, person.address.city, person.address.state, person.address.country]
        .filter(Boolean)
        .join(', ')
    : '';
  return (
    <>
      <header class="card-head">
        <h3 dir="auto" title={person.name}>
          {person.name}
        </h3>
        {person.id > 0 && !editing && (
          <button
            type="button"
            class="link"
            onClick={() => setEditing(true)}
            aria-label={t('editPersonLabel', person.name)}
          >
            {t('edit')}
          </button>
        )}
      </header>
      {(person.title || card.company || person.companyName) && (
        <p class="subtitle" data-testid="person-subtitle">
          {[person.title, card.company?.name ?? person.companyName].filter(Boolean).join(' · ')}
        </p>
      )}
      {editing ? (
        <EditPerson
          person={person}
          detailsKnown={card.detailsKnown}
          account={account}
          onDone={() => setEditing(false)}
        />
      ) : (
        <dl class="facts">
          {person.emails.length > 0 && (
            <>
              <dt>{t('factEmail')}</dt>
              <dd>{person.emails.map((e) => e.value).join(', ')}</dd>
            </>
          )}
          {person.phones.length > 0 && (
            <>
              <dt>{t('factPhone')}</dt>
              <dd data-testid="person-phones">{person.phones.map((p) => p.value).join(', ')}</dd>
            </>
          )}
          {address && (
            <>
              <dt>{t('factAddress')}</dt>
              <dd>{address}</dd>
            </>
          )}
          {card.ownerName && (
            <>
              <dt>{t('factOwner')}</dt>
              <dd>{card.ownerName}</dd>
            </>
          )}
          {person.lastContactedAt !== null && (
            <>
              <dt>{t('factLastContacted')}</dt>
              <dd>{formatDate(person.lastContactedAt)}</dd>
            </>
          )}
          {!card.detailsKnown && (
            <>
              <dt>{t('factPhone')}</dt>
              <dd class="pending" data-testid="person-details-loading">
                {t('detailsLoading')}
              </dd>
            </>
          )}
          {person.tags.length > 0 && (
            <>
              <dt>{t(tagsEditable ? 'factTags' : 'factLifecycleStage')}</dt>
              <dd class="tags" data-testid="person-tags">
                {person.tags.map((tag) => (
                  <span key={tag} class="chip">
                    {tag}
                  </span>
                ))}
              </dd>
            </>
          )}
        </dl>
      )}
      {card.company && (
        <p class="company" data-testid="company">
          <span class="chip">{t('chipCompany')}</span> {card.company.name}
          {card.company.domain ? ` · ${card.company.domain}` : ''}
        </p>
      )}
      <Deals deals={card.deals} />
      {person.id > 0 && <Activities card={card} />}
    </>
  );
}

/** `leads`: whether the CRM has leads (status `leads`); HubSpot has none, so "Add as lead" is not offered. */
function AddContact({ card, account, leads }: { card: Card; account: string; leads: boolean }) {
  const [name, setName] = useState(card.suggestion?.name ?? '');
  const [company, setCompany] = useState(card.suggestion?.companyName ?? '');
  const { busy, message, error, run, fail } = useAction();
  const add = async (kind: 'person' | 'lead') => {
    if (name.trim() === '') {
      fail(t('enterNameFirst'));
      return;
    }
    await run(
      () =>
        ask('addContact', {
          account,
          address: card.address,
          name: name.trim(),
          kind,
          companyName: company.trim() || null,
        }),
      t('contactAdded'),
    );
  };
  return (
    <form
      class="add"
      aria-label={t('addToCrmLabel', card.address)}
      onSubmit={(e) => {
        e.preventDefault();
        void add('person');
      }}
    >
      <p class="muted">{t('notInCrm')}</p>
      <TextField label={t('fieldName')} value={name} onChange={setName} maxLength={500} testId="add-name" />
      <TextField
        label={
          card.suggestion?.companyKnown
            ? t('fieldCompanyInCrm')
            : card.suggestion?.companyName
              ? t('fieldCompanyNew')
              : t('fieldCompany')
        }
        value={company}
        onChange={setCompany}
        testId="add-company"
      />
      <ActionStatus message={message} error={error} />
      <div class="actions">
        <button type="submit" class="primary" data-testid="add-person" disabled={busy}>
          <Icon name="userPlus" />
          {t('addAsPerson')}
        </button>
        {leads && (
          <button type="button" onClick={() => void add('lead')} data-testid="add-lead" disabled={busy}>
            {t('addAsLead')}
          </button>
        )}
      </div>
    </form>
  );
}

function ContactCardView({
  card,
  account,
  unreachable,
  leads,
}: {
  card: Card;
  account: string;
  unreachable: boolean;
  leads: boolean;
}) {
  return (
    <article
      class="card"
      data-testid="contact-card"
      data-state={card.state}
      data-address={card.address}
      aria-label={card.displayName || card.address}
    >
      {card.state === 'person' && <PersonCard card={card} account={account} />}
      {card.state === 'lead' && card.lead && (
        <>
          <header class="card-head">
            <h3 dir="auto" title={card.lead.name}>
              {card.lead.name}
            </h3>
            <span class="chip">
              {card.lead.status ? t('chipLeadStatus', card.lead.status) : t('chipLead')}
            </span>
          </header>
          <p class="subtitle">{[card.lead.title, card.lead.companyName].filter(Boolean).join(' · ')}</p>
          <p class="small">{card.address}</p>
        </>
      )}
      {(card.state === 'unknown' || card.state === 'checking') && (
        <header class="card-head">
          <h3 dir="auto" title={card.displayName || card.address}>
            {card.displayName || card.address}
          </h3>
        </header>
      )}
      {(card.state === 'unknown' || card.state === 'checking') && <p class="small address">{card.address}</p>}
      {card.state === 'checking' && !card.pendingWrite && (
        <p class="muted small" data-testid="checking">
          {unreachable ? t('cantCheckCrm') : t('lookingUp')}
        </p>
      )}
      {card.state === 'unknown' && !card.pendingWrite && (
        <AddContact card={card} account={account} leads={leads} />
      )}
      {card.pendingWrite && (
        <p class="muted small" role="status" data-testid="pending-write">
          {t('savingToCrm')}
        </p>
      )}
      {card.writeError && (
        <p role="alert" class="error-text" data-testid="write-error">
          {t('couldNotSave', card.writeError)}
        </p>
      )}
    </article>
  );
}

/** Placeholders the size of a card, while cards load or follow the first. */
function CardPlaceholders({ count, testId }: { count: number; testId: string }) {
  return (
    <div class="skeleton cards" aria-hidden="true" data-testid={testId}>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} class="row tall" />
      ))}
    </div>
  );
}

/** At most this many placeholders, however many cards are on their way. */
const MAX_PLACEHOLDERS = 3;

/**
 * A card per outside participant: person or lead with company, open deals and recent activity, or
 * "Add to CRM".
 *
 * A thread newly shown paints its first card alone, with placeholders for the others, which follow
 * in an effect: after the next frame, or after 35 ms when no frame comes (a hidden frame). The first
 * card then does not wait for the others' DOM, about 40 elements each (25 cards at most); the others
 * come at least one frame later. Two builds interleaved in the browser, 200 warm opens of two-card
 * threads each (the bench's case, its first card timed): p50 / p95 11.2 / 23.6 ms with every card
 * at once against 8.7 / 19.5 ms with the first alone; the messaging floor of the same runs was
 * 4.0 / 10.6 and 3.4 / 9.5, so above the floor about 2 ms at p50 and 3 ms at p95.
 *
 * Staged only when the thread changes (closing shows no thread): a later view of the same thread,
 * such as activities arriving, a write, or the thread read again when a message is expanded,
 * renders every card at once and keeps what each card holds (an open editor, text typed, focus).
 */
export function ContactCards() {
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  const hasThread = useSidebarStore((s) => s.thread?.thread != null);
  const cards = useSidebarStore((s) => s.cards);
  const health = useSidebarStore((s) => s.status?.health ?? null);
  const leads = useSidebarStore((s) => s.status?.leads !== false);
  const expected = useSidebarStore((s) => s.thread?.thread?.participants.length ?? 1);
  /** The thread (null: none) whose cards are all on screen; undefined before any cards came. */
  const allShown = useRef<string | null | undefined>(undefined);
  const [, showAll] = useReducer((n: number) => n + 1, 0);
  const shownThread = cards === null ? undefined : cards.threadId;
  const staged = cards !== null && cards.contacts.length > 1 && allShown.current !== shownThread;
  useEffect(() => {
    if (shownThread === undefined || allShown.current === shownThread) return;
    allShown.current = shownThread;
    if (staged) showAll(undefined);
  }, [shownThread, staged]);
  if (!account || !hasThread || health === 'notConnected' || health === null) return null;
  if (!cards) {
    // One placeholder per expected card, so nothing jumps when they arrive.
    return (
      <CardPlaceholders
        count={Math.max(1, Math.min(MAX_PLACEHOLDERS, expected - 1))}
        testId="cards-loading"
      />
    );
  }
  if (cards.contacts.length === 0) return <p class="muted">{t('everyoneInternal')}</p>;
  const following = staged ? cards.contacts.length - 1 : 0;
  return (
    <section aria-label={t('peopleOnThread')} class="cards" aria-busy={staged}>
      {(staged ? cards.contacts.slice(0, 1) : cards.contacts).map((card) => (
        <ContactCardView
          key={card.address}
          card={card}
          account={account}
          unreachable={health === 'unreachable'}
          leads={leads}
        />
      ))}
      {following > 0 && (
        <CardPlaceholders
          key="following"
          count={Math.min(MAX_PLACEHOLDERS, following)}
          testId="cards-following"
        />
      )}
    </section>
  );
}
