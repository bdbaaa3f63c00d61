import { describe, expect, it } from 'vitest';
import { createFakePlatform, gmailSender } from '../../../test/unit/fake-platform';
import { opportunityRow } from '../../db/record-rows';
import { ThreadlineDb } from '../../db/threadline-db';
import { createLogger } from '../../shared/logger';
import { main } from '../main';
import { cacheVersionMiddleware } from './cache-version';

function versioned() {
  const db = new ThreadlineDb(`cache-version-${Math.random()}`);
  let commits = 0;
  db.use(cacheVersionMiddleware(() => (commits += 1)));
  return { db, commits: () => commits };
}

const mark = {
  account: 'sam@corp.test',
  markKey: 'link:t-1:opportunity:7',
  kind: 'link' as const,
  threadId: 't-1',
  messageId: null,
  recordKey: 'opportunity:7',
  activityId: 1,
  active: true,
  at: 1,
};

describe('cache version', () => {
  it('moves after every committed write to a table the read models read, whichever way it was made', async () => {
    const { db, commits } = versioned();
    await db.threadMarks.put(mark);
    expect(commits()).toBe(1);
    await db.threadMarks.update([mark.account, mark.markKey], { active: false });
    expect(commits()).toBe(2);
    await db.threadMarks.where('[account+kind]').equals([mark.account, 'link']).delete();
    expect(commits()).toBeGreaterThanOrEqual(3);
  });

  it('does not move for tables no read model reads, nor for a write whose transaction aborted', async () => {
    const { db, commits } = versioned();
    await db.settings.put({ name: 'x', value: 1 });
    await db.audit.add({
      account: 'sam@corp.test',
      at: 1,
      purpose: 'p',
      host: 'h',
      method: 'GET',
      dataClasses: [],
      recordIds: [],
      bytes: 0,
    });
    expect(commits()).toBe(0);
    await expect(
      db.transaction('rw', db.threadMarks, async () => {
        await db.threadMarks.put(mark);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(commits()).toBe(0);
    expect(await db.threadMarks.count()).toBe(0);
  });
});

describe('cache version in the worker', () => {
  it('a row badge follows a write no path announced (an unlink whose queueing failed, a purge)', async () => {
    const fake = createFakePlatform();
    const db = new ThreadlineDb(`cache-version-worker-${Math.random()}`);
    main(
      fake.platform,
      createLogger('worker', () => undefined),
      { db, policyGraceMs: 5 },
    );
    const ME = 'sam@corp.test';
    await db.pipelines.put({
      account: ME,
      id: 1,
      name: 'Sales',
      stages: [{ id: 12, name: 'Proposal', winProbability: 50 }],
    });
    await db.opportunities.put(
      opportunityRow(ME, {
        id: 7,
        name: 'Deal',
        pipelineId: 1,
        stageId: 12,
        status: 'Open',
        companyId: null,
        primaryContactId: null,
        value: null,
        closeDate: null,
        modifiedAt: 1,
      }),
    );
    await db.threadMarks.put({ ...mark, account: ME });
    const stage = async () => {
      const answer = (await fake.send(
        { type: 'rowBadges', account: ME, rows: [{ threadId: 't-1', addresses: [] }] },
        gmailSender(7),
      )) as { badges: { dealStage: string | null }[] };
      return answer.badges[0]?.dealStage;
    };
    expect(await fake.send({ type: 'hostStatus', account: ME }, gmailSender(7))).toMatchObject({
      enabled: true,
    });
    expect(await stage()).toBe('Proposal');
    // Written straight to the cache, with no `changed`: the version still moves.
    await db.threadMarks.update([ME, mark.markKey], { active: false });
    expect(await stage()).toBeNull();
  });
});
