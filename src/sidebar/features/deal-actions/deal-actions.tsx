import { useState } from 'preact/hooks';
import type { Opportunity } from '../../../shared/crm-model';
import { t } from '../../../ui/i18n';
import { Icon } from '../../../ui/icon';
import { ActionStatus, useAction } from '../../../ui/use-action';
import { actionIds } from '../../action-ids';
import { ask } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

const statusLabel = (status: Opportunity['status']): string =>
  status === 'Won'
    ? t('statusWon')
    : status === 'Lost'
      ? t('statusLost')
      : status === 'Abandoned'
        ? t('statusAbandoned')
        : t('statusOpen');

const closeDateFromInput = (value: string): number | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000) : null;
};

type DateOrder = 'monthFirst' | 'dayFirst';

/**
 * Asked once, when the CRM's own data has not shown it: how the CRM writes this date. The answer is
 * kept by the worker for every later deal.
 */
function DateOrderQuestion(props: {
  closeDate: string;
  value: DateOrder | null;
  onChange: (order: DateOrder) => void;
}) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(props.closeDate);
  if (!m) return null;
  const [year, month, day] = [m[1], Number(m[2]), Number(m[3])];
  const options: [DateOrder, string][] = [
    ['monthFirst', `${month}/${day}/${year}`],
    ['dayFirst', `${day}/${month}/${year}`],
  ];
  return (
    <fieldset class="date-order" data-testid="deal-date-order">
      <legend>{t('dateOrderQuestion')}</legend>
      {options.map(([order, example]) => (
        <label key={order}>
          <input
            type="radio"
            name="date-order"
            checked={props.value === order}
            onChange={() => props.onChange(order)}
            data-testid={`deal-date-order-${order}`}
          />
          {example}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Deals from the thread: create one (pipeline, stage, value, close date; linked to the thread), move
 * a deal's stage, mark it won or lost. Stages come from the CRM's pipelines (synced).
 */
export function DealActions() {
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  const thread = useSidebarStore((s) => s.thread?.thread ?? null);
  const cards = useSidebarStore((s) => s.cards?.contacts ?? null);
  const extras = useSidebarStore((s) => s.extras?.extras ?? null);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [pipelineId, setPipelineId] = useState<number | null>(null);
  const [stageId, setStageId] = useState<number | null>(null);
  const [value, setValue] = useState('');
  const [closeDate, setCloseDate] = useState('');
  const [dateOrder, setDateOrder] = useState<DateOrder | null>(null);
  const [contactId, setContactId] = useState<number | null>(null);
  const { message, error, run, fail } = useAction();

  if (!account || !thread || !cards || !extras || extras.pipelines.length === 0) return null;
  const deals = new Map<number, Opportunity>();
  for (const card of cards) for (const d of card.deals) deals.set(d.deal.id, d.deal);
  const pipeline = extras.pipelines.find((p) => p.id === pipelineId) ?? extras.pipelines[0];
  const stage = pipeline?.stages.find((s) => s.id === stageId) ?? pipeline?.stages[0];
  // The CRM requires a primary contact on a new deal (Copper: primary_contact_id): a person it
  // already has (a person still being added has no id yet).
  const people = cards.flatMap((c) => (c.person && c.person.id > 0 ? [c.person] : []));
  const person = people.find((p) => p.id === contactId) ?? people[0] ?? null;
  const company =
    cards.find((c) => c.person?.id === person?.id && c.company)?.company ??
    cards.find((c) => c.company)?.company ??
    null;

  const create = async (event: Event) => {
    event.preventDefault();
    if (!pipeline || !stage || !person) return;
    const amount = value.trim() === '' ? null : Number(value.replace(/[^\d.]/g, ''));
    if (amount !== null && !Number.isFinite(amount)) {
      fail(t('valueNotNumber'));
      return;
    }
    const closeSeconds = closeDateFromInput(closeDate);
    // The CRM writes dates as day/month or month/day and does not say which: ask once, never guess.
    const order = extras.crmDateOrder ?? dateOrder;
    if (closeSeconds !== null && order === null) {
      fail(t('dateOrderNeeded'));
      return;
    }
    // What the user typed and chose; the body fills in defaults from the cards and the pipelines.
    const typed = {
      account,
      threadId: thread.threadId,
      name,
      pipelineId,
      stageId,
      value,
      closeDate,
      dateOrder,
      contactId,
    };
    const saving = actionIds.pin('deal', typed, {
      account,
      threadId: thread.threadId,
      name: (name.trim() || thread.subject.trim() || t('newDealName')).slice(0, 500),
      pipelineId: pipeline.id,
      stageId: stage.id,
      value: amount,
      closeDate: closeSeconds,
      ...(extras.crmDateOrder === null && closeSeconds !== null && order ? { dateOrder: order } : {}),
      primaryContactId: person.id,
      companyId: company?.id ?? null,
    });
    const answer = await run(
      () => ask('createDeal', { ...saving.body, actionId: saving.id }),
      t('dealCreated'),
    );
    if (answer?.ok && actionIds.done('deal', saving.id)) {
      setCreating(false);
      setName('');
      setValue('');
      setCloseDate('');
    }
  };

  return (
    <section class="deal-actions" aria-labelledby="deals-title" data-testid="deal-actions">
      <h2 id="deals-title">{t('deals')}</h2>
      {[...deals.values()].map((deal) => {
        const stages = extras.pipelines.find((p) => p.id === deal.pipelineId)?.stages ?? [];
        return (
          <div key={deal.id} class="deal-row" data-testid="deal-row">
            <span class="deal-name" dir="auto" title={deal.name}>
              {deal.name}
            </span>
            <label>
              {t('stage')}
              <select
                value={String(deal.stageId ?? '')}
                disabled={deal.id < 0 || deal.status !== 'Open'}
                onChange={(e) =>
                  void run(
                    () =>
                      ask('updateDeal', {
                        account,
                        dealId: deal.id,
                        stageId: Number((e.target as HTMLSelectElement).value),
                      }),
                    t('stageChanged'),
                  )
                }
                data-testid="deal-stage"
              >
                {stages.map((s) => (
                  <option key={s.id} value={String(s.id)}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            {deal.status === 'Open' ? (
              <span class="actions">
                <button
                  type="button"
                  disabled={deal.id < 0}
                  onClick={() =>
                    void run(
                      () => ask('updateDeal', { account, dealId: deal.id, status: 'Won' }),
                      t('markedWon'),
                    )
                  }
                  data-testid="deal-won"
                >
                  <Icon name="check" />
                  {t('won')}
                </button>
                <button
                  type="button"
                  disabled={deal.id < 0}
                  onClick={() =>
                    void run(
                      () => ask('updateDeal', { account, dealId: deal.id, status: 'Lost' }),
                      t('markedLost'),
                    )
                  }
                  data-testid="deal-lost"
                >
                  {t('lost')}
                </button>
              </span>
            ) : (
              <span class="chip">{statusLabel(deal.status)}</span>
            )}
          </div>
        );
      })}
      {creating ? (
        <form onSubmit={create} class="stack" data-testid="deal-form">
          <label>
            {t('dealName')}
            <input
              value={name}
              placeholder={thread.subject}
              maxLength={500}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
              data-testid="deal-name"
            />
          </label>
          {people.length > 1 ? (
            <label>
              {t('primaryContact')}
              <select
                value={String(person?.id ?? '')}
                onChange={(e) => setContactId(Number((e.target as HTMLSelectElement).value))}
                data-testid="deal-contact"
              >
                {people.map((p) => (
                  <option key={p.id} value={String(p.id)}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            {t('pipeline')}
            <select
              value={String(pipeline?.id ?? '')}
              onChange={(e) => {
                setPipelineId(Number((e.target as HTMLSelectElement).value));
                setStageId(null);
              }}
              data-testid="deal-pipeline"
            >
              {extras.pipelines.map((p) => (
                <option key={p.id} value={String(p.id)}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('stage')}
            <select
              value={String(stage?.id ?? '')}
              onChange={(e) => setStageId(Number((e.target as HTMLSelectElement).value))}
              data-testid="deal-new-stage"
            >
              {pipeline?.stages.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('value')}
            <input
              value={value}
              inputMode="decimal"
              onInput={(e) => setValue((e.target as HTMLInputElement).value)}
              data-testid="deal-value"
            />
          </label>
          <label>
            {t('closeDate')}
            <input
              type="date"
              value={closeDate}
              onInput={(e) => setCloseDate((e.target as HTMLInputElement).value)}
            />
          </label>
          {extras.crmDateOrder === null && closeDateFromInput(closeDate) !== null ? (
            <DateOrderQuestion closeDate={closeDate} value={dateOrder} onChange={setDateOrder} />
          ) : null}
          <div class="actions">
            <button type="submit" class="primary" data-testid="deal-create">
              {t('createDeal')}
            </button>
            <button type="button" onClick={() => setCreating(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <button
            type="button"
            onClick={() => setCreating(true)}
            disabled={!person}
            aria-describedby={person ? undefined : 'deal-needs-person'}
            data-testid="deal-new"
          >
            <Icon name="plus" />
            {t('newDealFromThread')}
          </button>
          {person ? null : (
            <p id="deal-needs-person" class="muted" data-testid="deal-needs-person">
              {t('dealNeedsPerson')}
            </p>
          )}
        </>
      )}
      <ActionStatus message={message} error={error} />
    </section>
  );
}
