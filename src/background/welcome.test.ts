import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it } from 'vitest';
import { createFakePlatform, recordingSink, TEST_ORIGIN } from '../../test/unit/fake-platform';
import { ThreadlineDb } from '../db/threadline-db';
import { createLogger } from '../shared/logger';
import { CRM_KINDS } from '../shared/protocol';
import { resolveSettings } from '../shared/settings';
import { main } from './main';
import { openWelcomeOnInstall, WELCOME_PAGE, WELCOME_STATE } from './welcome';

const WELCOME_URL = `${TEST_ORIGIN}${WELCOME_PAGE}`;

async function setup(policy: Record<string, unknown> = {}) {
  const fake = createFakePlatform();
  // @webext-core/fake-browser's managed area is writable from tests: it plays the admin's policy.
  if (Object.keys(policy).length > 0) await fakeBrowser.storage.managed.set(policy);
  const sink = recordingSink();
  main(fake.platform, createLogger('worker', sink), {
    db: new ThreadlineDb(`test-${Math.random()}`),
    policyGraceMs: 5,
  });
  return { ...fake, sink };
}

describe('the welcome page on install', () => {
  it('opens once on first install, and not again for a second event or after a worker restart', async () => {
    const env = await setup();
    await env.install('install');
    await expect.poll(() => env.session.get(WELCOME_STATE)).toBe('opened');
    expect(env.openedTabs).toEqual([WELCOME_URL]);

    await env.install('install');
    env.restartWorker();
    main(env.platform, createLogger('worker', env.sink), {
      db: new ThreadlineDb(`test-${Math.random()}`),
      policyGraceMs: 5,
    });
    await env.install('install');
    // Something observable after the "nothing happens": the update below is handled (and ignored).
    await env.install('update');
    expect(env.openedTabs).toEqual([WELCOME_URL]);
  });

  it('does not open on an update or a browser update', async () => {
    const env = await setup();
    await env.install('update');
    await env.install('chrome_update');
    // The install that follows is handled: the two before it had every chance to open a tab.
    await env.install('install');
    await expect.poll(() => env.session.get(WELCOME_STATE)).toBe('opened');
    expect(env.openedTabs).toEqual([WELCOME_URL]);
  });

  for (const kind of CRM_KINDS) {
    it(`is skipped when the admin policy already sets the CRM (${kind})`, async () => {
      const env = await setup({ CrmKind: kind });
      await env.install('install');
      await expect.poll(() => env.session.get(WELCOME_STATE)).toBe('skipped');
      expect(env.openedTabs).toEqual([]);
      expect(env.sink.lines.map((l) => l.line).join('\n')).toContain('welcome.skipped');
    });
  }

  it('a tab Chrome cannot open is logged and remembered, never thrown', async () => {
    const stored = new Map<string, unknown>();
    const sink = recordingSink();
    const outcome = await openWelcomeOnInstall(
      { reason: 'install' },
      {
        extensionOrigin: TEST_ORIGIN,
        openTab: async () => {
          throw new Error('No current window');
        },
        policy: { current: async () => ({ ...resolveSettings({}, {}), readFailed: false }) },
        session: {
          get: async (key) => stored.get(key),
          set: async (key, value) => void stored.set(key, value),
          remove: async (key) => void stored.delete(key),
        },
        logger: createLogger('worker', sink),
      },
    );
    expect(outcome).toBe('failed');
    expect(stored.get(WELCOME_STATE)).toBe('failed');
    expect(sink.lines.map((l) => l.line).join('\n')).toContain('welcome.failed');
  });

  it('a policy or storage read that fails is logged, never an unhandled rejection', async () => {
    const sink = recordingSink();
    const opened: string[] = [];
    const outcome = await openWelcomeOnInstall(
      { reason: 'install' },
      {
        extensionOrigin: TEST_ORIGIN,
        openTab: async (url) => void opened.push(url),
        policy: {
          current: async () => {
            throw new Error('managed storage unavailable');
          },
        },
        session: {
          get: async () => undefined,
          set: async () => undefined,
          remove: async () => undefined,
        },
        logger: createLogger('worker', sink),
      },
    );
    expect(outcome).toBe('failed');
    expect(opened).toEqual([]);
    expect(sink.lines.map((l) => l.line).join('\n')).toContain('welcome.failed');
  });

  it('still opens when the policy sets other things but leaves the CRM to the user', async () => {
    const env = await setup({ RetentionDays: 7 });
    await env.install('install');
    await expect.poll(() => env.session.get(WELCOME_STATE)).toBe('opened');
    expect(env.openedTabs).toEqual([WELCOME_URL]);
  });
});

describe('the welcome page talks to the worker as an options page', () => {
  it('may read the settings and the connection; another extension page may not', async () => {
    const env = await setup();
    const welcome = { id: 'threadlinetestid', url: `${TEST_ORIGIN}${WELCOME_PAGE}`, tab: { id: 3 } };
    expect(await env.send({ type: 'getSettings' }, welcome)).toMatchObject({ locked: [] });
    expect(await env.send({ type: 'getConnection' }, welcome)).toEqual({ info: null, blocked: null });
    const stranger = { ...welcome, url: `${TEST_ORIGIN}src/elsewhere/index.html` };
    expect(await env.send({ type: 'getSettings' }, stranger)).toBeUndefined();
  });
});
