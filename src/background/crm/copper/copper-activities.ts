/**
 * Copper's activities as Threadline uses them: the account's activity types (read at run time), the
 * marked Email/Note activities behind links and logged messages, and a person's recent activities.
 *
 * `/activities/search` documents `parent`, `activity_types`, `minimum/maximum_activity_date`,
 * `page_number`, `page_size` and `full_result`, and NO sort or modified-date filter (reference,
 * "Documented request fields"). So nothing here asks for an order: recent activities are sorted
 * here, and the thread-mark sweep pages a bounded activity-date window and de-duplicates by id and
 * date_modified (sync/thread-mark-sweep.ts), whatever order Copper answers in.
 */
import type { Activity, RecordRef } from '../../../shared/crm-model';
import { recordKeyOf } from '../../../shared/crm-model';
import type { ActivityWindowQuery, NewActivity, Page, SyncedActivity } from '../crm-client';
import type { CrmAnswer, CrmCall } from '../crm-transport';
import { parse, parseEach, totalOf } from './copper-read';
import { copperActivity, copperActivityTypes, copperDateToSeconds } from './copper-schemas';

type Call = (c: CrmCall) => Promise<CrmAnswer>;
type TypeRef = { category: 'user'; id: number };

const SEARCH_READ = { purpose: 'syncRecords', dataClasses: ['crmData'] } as const;
const PAGE = 200;
/** A person's recent activities: when the first page is full, the last 90 days are asked for instead. */
const RECENT_WINDOW_SECONDS = 90 * 86_400;

interface ActivityTypes {
  names: Map<string, string>;
  /** The enabled "Email" type Threadline logs messages as, or null (then Note). */
  emailTypeId: number | null;
  /** Types whose activities may carry Threadline's marker: Note and every "Email" type, even a disabled one. */
  markTypes: TypeRef[];
}

export function createCopperActivities(call: Call, nowSec: () => number) {
  let types: Promise<ActivityTypes> | null = null;

  const activityTypes = (): Promise<ActivityTypes> => {
    types ??= call({ method: 'GET', path: '/activity_types', ...SEARCH_READ })
      .then((answer) => {
        const list = parse(copperActivityTypes, answer.json, 'activity_types');
        const users = list.user ?? [];
        const emails = users.filter((t) => t.name.trim().toLowerCase() === 'email');
        // Copper refuses activities of a disabled type: log as the enabled Email type, else Note.
        const enabled = emails.find((t) => t.is_disabled !== true);
        return {
          names: new Map(
            [...users, ...(list.system ?? [])].map((t) => [`${t.category}:${t.id}`, t.name] as const),
          ),
          emailTypeId: enabled?.id ?? null,
          markTypes: [
            { category: 'user' as const, id: 0 },
            ...emails.filter((t) => t.id !== 0).map((t) => ({ category: 'user' as const, id: t.id })),
          ],
        };
      })
      .catch((error: unknown) => {
        types = null;
        throw error;
      });
    return types;
  };

  const toSynced = (
    names: Map<string, string>,
    a: { id: number; parent: { id: number; type: string }; type: { id: number; category: string } } & {
      details?: string | null | undefined;
      activity_date?: unknown;
      date_modified?: unknown;
    },
  ): SyncedActivity => ({
    id: a.id,
    parentType: a.parent.type,
    parentId: a.parent.id,
    typeName: names.get(`${a.type.category}:${a.type.id}`) ?? 'Activity',
    details: a.details ?? null,
    at: copperDateToSeconds(a.activity_date) ?? 0,
    modifiedAt: copperDateToSeconds(a.date_modified) ?? 0,
  });

  const search = async (body: Record<string, unknown>): Promise<Page<SyncedActivity>> => {
    const [{ names }, answer] = await Promise.all([
      activityTypes(),
      call({ method: 'POST', path: '/activities/search', body, ...SEARCH_READ }),
    ]);
    const page = parseEach(copperActivity, answer.json, 'activities/search', (a) => toSynced(names, a));
    return { ...page, total: totalOf(answer) };
  };

  const write = async (
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    purpose: NewActivity['purpose'],
    fromGmail: boolean,
    recordIds: string[],
  ): Promise<SyncedActivity> => {
    const { names } = await activityTypes();
    const answer = await call({
      method,
      path,
      body,
      purpose,
      dataClasses: fromGmail ? ['googleUserData', 'crmData'] : ['crmData'],
      recordIds,
    });
    return toSynced(names, parse(copperActivity, answer.json, 'activities'));
  };

  return {
    async pageThreadActivities(query: ActivityWindowQuery): Promise<Page<SyncedActivity>> {
      const { markTypes } = await activityTypes();
      return search({
        activity_types: markTypes,
        minimum_activity_date: query.activityFrom,
        page_number: query.page,
        page_size: query.pageSize,
      });
    },

    async threadActivitiesOf(parent: RecordRef, since: number | null): Promise<SyncedActivity[]> {
      const { markTypes } = await activityTypes();
      const out: SyncedActivity[] = [];
      for (let pageNumber = 1; pageNumber <= 25; pageNumber += 1) {
        const page = await search({
          parent,
          activity_types: markTypes,
          page_number: pageNumber,
          page_size: PAGE,
          ...(since === null ? {} : { minimum_activity_date: since }),
        });
        out.push(...page.records);
        if (page.received < PAGE) break;
      }
      // Pages in no documented order may repeat a record: one per id.
      return [...new Map(out.map((a) => [a.id, a])).values()];
    },

    async activitiesOfRecord(parent: { type: string; id: number }): Promise<SyncedActivity[]> {
      const out: SyncedActivity[] = [];
      for (let pageNumber = 1; pageNumber <= 2; pageNumber += 1) {
        const page = await search({ parent, page_number: pageNumber, page_size: PAGE });
        out.push(...page.records);
        if (page.received < PAGE) break;
      }
      return [...new Map(out.map((a) => [a.id, a])).values()];
    },

    async recentActivities(parent: { type: string; id: number }, limit: number): Promise<Activity[]> {
      let page = await search({ parent, page_size: PAGE });
      if (page.received >= PAGE) {
        page = await search({
          parent,
          page_size: PAGE,
          minimum_activity_date: nowSec() - RECENT_WINDOW_SECONDS,
        });
      }
      return page.records
        .sort((a, b) => b.at - a.at || b.id - a.id)
        .slice(0, limit)
        .map(({ modifiedAt: _m, ...activity }) => activity);
    },

    async createActivity(input: NewActivity): Promise<SyncedActivity> {
      const { emailTypeId } = await activityTypes();
      const type: TypeRef = { category: 'user', id: input.kind === 'email' ? (emailTypeId ?? 0) : 0 };
      return write(
        'POST',
        '/activities',
        {
          parent: input.parent,
          type,
          details: input.details,
          ...(input.at === undefined ? {} : { activity_date: input.at }),
        },
        input.purpose,
        input.fromGmail,
        [recordKeyOf(input.parent)],
      );
    },

    updateActivityDetails: (
      id: number,
      details: string,
      purpose: NewActivity['purpose'],
      fromGmail: boolean,
    ): Promise<SyncedActivity> =>
      write('PUT', `/activities/${id}`, { details }, purpose, fromGmail, [`activity:${id}`]),
  };
}
