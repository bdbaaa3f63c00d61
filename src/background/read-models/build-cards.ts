import { personOfRow, stripRow } from '../../db/record-rows';
import { emailKey, type PersonRow, parentKeyOf, recordRows, type ThreadlineDb } from '../../db/threadline-db';
import type { CachedCompany } from '../../shared/crm-model';
import {
  companyNameFromDomain,
  domainOf,
  isPublicEmailDomain,
  personNameGuess,
} from '../../shared/normalise-address';
import type { ContactCard, DealView } from '../../shared/sidebar-port';
import type { OutsideParticipant } from './outside-participants';

/** "Not in CRM" answers are trusted this long before the CRM is asked again. */
export const NEGATIVE_TTL_SECONDS = 24 * 3600;
/** Recent activities are refreshed when older than this. */
export const ACTIVITY_TTL_SECONDS = 10 * 60;

export interface CardsResult {
  cards: ContactCard[];
  /** Addresses the cache cannot answer: ask the CRM in one batch. */
  misses: string[];
  /** People whose recent activities are missing or stale, or whose details are not cached. */
  staleActivities: number[];
}

const blankCard = (p: OutsideParticipant): ContactCard => ({
  address: p.address,
  displayName: p.displayName,
  state: 'checking',
  person: null,
  detailsKnown: true,
  ownerName: null,
  lead: null,
  company: null,
  deals: [],
  activities: null,
  pendingWrite: false,
  writeError: null,
  suggestion: null,
});

/**
 * Everything the sidebar shows for a thread's outside participants, from the cache alone, in a
 * handful of indexed queries whatever the number of participants (one round trip to the sidebar).
 */
export function buildCards(
  db: ThreadlineDb,
  account: string,
  participants: readonly OutsideParticipant[],
  now: number,
): Promise<CardsResult> {
  // One read transaction for every query: IndexedDB pipelines its requests instead of paying a
  // transaction's set-up per query (this is most of the time-to-card budget).
  const tables = [
    db.people,
    db.leads,
    db.negativeLookups,
    db.companies,
    db.opportunities,
    db.pipelines,
    db.users,
    db.activityFetches,
    db.activities,
    db.outbox,
  ];
  return db.transaction('r', tables, () => readCards(db, account, participants, now));
}

async function readCards(
  db: ThreadlineDb,
  account: string,
  participants: readonly OutsideParticipant[],
  now: number,
): Promise<CardsResult> {
  const cards = participants.map(blankCard);
  const keyToAddress = new Map(participants.map((p) => [emailKey(account, p.address), p.address]));
  const keys = [...keyToAddress.keys()];
  const domains = [
    ...new Set(participants.map((p) => domainOf(p.address)).filter((d) => !isPublicEmailDomain(d))),
  ];
  // Two rounds of reads, each issued together inside the one transaction: what the addresses alone
  // answer, then what the people found lead to. Equality reads, not anyOf(), which walks a cursor
  // key by key; a lead or a negative answer read for someone who turns out a person is ignored.
  const [peopleLists, leadLists, negatives, domainRows, pipelineRows, contactWrites] = await Promise.all([
    Promise.all(keys.map((k) => db.people.where('emailKeys').equals(k).toArray())),
    Promise.all(keys.map((k) => db.leads.where('emailKey').equals(k).toArray())),
    db.negativeLookups.bulkGet(participants.map((p) => [account, p.address] as [string, string])),
    domains.length
      ? db.companies
          .where('[account+domainKey]')
          .anyOf(domains.map((d) => [account, d]))
          .toArray()
      : [],
    db.pipelines.where('[account+id]').between([account, -Infinity], [account, Infinity]).toArray(),
    Promise.all(
      participants.map((p) =>
        db.outbox
          .where('[account+recordKey]')
          .equals([account, `contact:${p.address}`])
          .toArray(),
      ),
    ),
  ]);
  const personOf = new Map<string, PersonRow>();
  const mine = new Map<number, PersonRow>();
  for (const row of peopleLists.flat()) {
    if (row.account !== account) continue;
    mine.set(row.id, row);
    for (const key of row.emailKeys) {
      const address = keyToAddress.get(key);
      if (address && !personOf.has(address)) personOf.set(address, row);
    }
  }
  const leadOf = new Map(
    leadLists
      .flat()
      .filter((l) => l.account === account)
      .map((l) => [keyToAddress.get(l.emailKey ?? '') ?? '', l]),
  );
  const negativeOf = new Map(participants.map((p, i) => [p.address, negatives[i]]));

  // Companies: by id for people, else by e-mail domain (never a public mail domain).
  const people = [...mine.values()];
  const companyIds = [...new Set(people.map((p) => p.companyId).filter((id): id is number => id !== null))];
  const personIds = [...personOf.values()].map((p) => p.id).filter((id) => id > 0);
  const ownerIds = [...new Set(people.map((p) => p.ownerId).filter((id): id is number => id !== null))];
  const [companyRows, contactDeals, companyDeals, ownerRows, fetches, recentActivities, personWrites] =
    await Promise.all([
      recordRows(db.companies, account, companyIds),
      personIds.length
        ? db.opportunities
            .where('[account+primaryContactId]')
            .anyOf(personIds.map((id) => [account, id]))
            .toArray()
        : [],
      companyIds.length
        ? db.opportunities
            .where('[account+companyId]')
            .anyOf(companyIds.map((id) => [account, id]))
            .toArray()
        : [],
      db.users.bulkGet(ownerIds.map((id) => [account, id] as [string, number])),
      db.activityFetches.bulkGet(
        personIds.map((id) => [account, parentKeyOf('person', id)] as [string, string]),
      ),
      // Read with the fetch times, not after them: ignored below for people never fetched.
      Promise.all(
        personIds.map((id) => {
          const key = parentKeyOf('person', id);
          return db.activities
            .where('[account+parentKey+at]')
            .between([account, key, -Infinity], [account, key, Infinity])
            .reverse()
            .limit(5)
            .toArray();
        }),
      ),
      Promise.all(
        personIds.map((id) =>
          db.outbox
            .where('[account+recordKey]')
            .equals([account, `person:${id}`])
            .toArray(),
        ),
      ),
    ]);
  const companiesById = new Map(companyRows.filter((c) => c !== undefined).map((c) => [c.id, c]));
  const companyByDomain = new Map(domainRows.map((c) => [c.domainKey ?? '', c]));
  const dealRows = [...contactDeals, ...companyDeals];
  const pipelines = new Map(pipelineRows.map((p) => [p.id, p]));
  const owners = new Map(ownerRows.filter((u) => u !== undefined).map((u) => [u.id, u.name]));
  const fetchedAt = new Map(personIds.map((id, i) => [id, fetches[i]?.fetchedAt ?? null]));
  const activitiesOf = new Map(
    personIds.map((id, i) => [id, fetchedAt.get(id) != null ? (recentActivities[i] ?? null) : null]),
  );
  const writesOf = new Map<string, { seq?: number | undefined; state: string; lastError: string | null }[]>();
  for (const w of [...contactWrites.flat(), ...personWrites.flat()]) {
    if (w.state !== 'pending' && w.state !== 'dead') continue;
    writesOf.set(w.recordKey, [...(writesOf.get(w.recordKey) ?? []), w]);
  }

  const staleActivities: number[] = [];
  const misses: string[] = [];

  for (const card of cards) {
    const personRow = personOf.get(card.address);
    const company = (id: number | null, address: string): CachedCompany | null => {
      const row = (id !== null ? companiesById.get(id) : undefined) ?? companyByDomain.get(domainOf(address));
      return row ? stripRow(row) : null;
    };
    const writes = [
      ...(writesOf.get(`contact:${card.address}`) ?? []),
      ...(personRow !== undefined ? (writesOf.get(`person:${personRow.id}`) ?? []) : []),
    ].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0)); // the outbox's order: the first failure first
    card.pendingWrite = writes.some((w) => w.state === 'pending');
    card.writeError = writes.find((w) => w.state === 'dead')?.lastError ?? null;
    if (personRow) {
      const { person, detailsKnown } = personOfRow(personRow);
      card.state = 'person';
      card.person = person;
      card.detailsKnown = detailsKnown;
      card.ownerName = person.ownerId !== null ? (owners.get(person.ownerId) ?? null) : null;
      card.company = company(person.companyId, card.address);
      const seen = new Set<number>();
      card.deals = dealRows
        .filter(
          (d) =>
            d.status === 'Open' &&
            (d.primaryContactId === person.id ||
              (person.companyId !== null && d.companyId === person.companyId)),
        )
        .filter((d) => !seen.has(d.id) && seen.add(d.id) !== undefined)
        .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
        .map((d): DealView => {
          const pipeline = d.pipelineId !== null ? pipelines.get(d.pipelineId) : undefined;
          return {
            deal: stripRow(d),
            pipelineName: pipeline?.name ?? null,
            stageName: pipeline?.stages.find((s) => s.id === d.stageId)?.name ?? null,
          };
        });
      if (person.id > 0) {
        const at = fetchedAt.get(person.id) ?? null;
        card.activities = activitiesOf.get(person.id)?.map(stripRow) ?? null;
        // A card shown without the person's phones, address and tags fetches them with its activities.
        if (at === null || now - at > ACTIVITY_TTL_SECONDS || !detailsKnown) staleActivities.push(person.id);
      }
      continue;
    }
    const lead = leadOf.get(card.address);
    if (lead) {
      card.state = 'lead';
      card.lead = stripRow(lead);
      card.company = company(null, card.address);
      continue;
    }
    const negative = negativeOf.get(card.address);
    const domain = domainOf(card.address);
    const known = companyByDomain.get(domain);
    card.suggestion = {
      name: personNameGuess(card.displayName, card.address) || card.address,
      companyName: known ? known.name : isPublicEmailDomain(domain) ? null : companyNameFromDomain(domain),
      companyKnown: known !== undefined,
    };
    card.company = known ? stripRow(known) : null;
    if (negative && now - negative.checkedAt < NEGATIVE_TTL_SECONDS) card.state = 'unknown';
    else misses.push(card.address);
  }
  return { cards, misses, staleActivities };
}
