// @vitest-environment happy-dom
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

const asked = vi.hoisted(() => [] as { type: string; body: Record<string, unknown> }[]);
/** The worker's next answers by message type (else `{ ok: true }`). */
const answers = vi.hoisted(() => new Map<string, Record<string, unknown>[]>());
vi.mock('../../sidebar-api', () => ({
  ask: vi.fn(async (type: string, body: Record<string, unknown>) => {
    asked.push({ type, body });
    return answers.get(type)?.shift() ?? { ok: true };
  }),
}));

import { A, card, extras, mountForm, personOf } from '../../../../test/unit/sidebar-form';
import { ConsentPrompt } from '../consent-prompt/consent-prompt';
import { ThreadLinks } from './thread-links';

afterEach(() => {
  document.body.innerHTML = '';
  asked.length = 0;
  answers.clear();
});

/** Link, log and the consent notice, for a thread whose extras say the user has not agreed yet. */
const mount = (consented = false) =>
  mountForm(
    <>
      <ThreadLinks />
      <ConsentPrompt />
    </>,
    [card('alice@acme.test', personOf(1, 'Alice'))],
    { consent: { emailLogging: consented, version: 0 }, messageCount: 3 },
  );

describe('thread links: consent', () => {
  it('"Log" pressed after "Allow", before the worker\'s next extras, logs without asking again', async () => {
    const { q, store } = mount();
    await act(async () => q('link-button')?.click());
    expect(q('consent-prompt')).not.toBeNull();
    expect(asked).toEqual([]);
    await act(async () => q('consent-allow')?.click());
    await vi.waitFor(() => expect(q('consent-prompt')).toBeNull());
    expect(asked.map((a) => a.type)).toEqual(['grantConsent', 'linkThread']);
    // No extras came from the worker since: the ones shown are still those from before "Allow".
    await act(async () => q('log-thread')?.click());
    expect(q('consent-prompt')).toBeNull();
    expect(asked.map((a) => a.type)).toEqual(['grantConsent', 'linkThread', 'logThread']);
    expect(asked[2]?.body).toMatchObject({
      account: A,
      threadId: 't1',
      records: [{ type: 'person', id: 1 }],
    });
    // The worker's own extras still decide: a later withdrawal is shown, and Log asks again.
    act(() =>
      store.getState().receiveExtras({
        seq: 1,
        threadId: 't1',
        extras: { ...extras, messageCount: 3, consent: { emailLogging: false, version: 1 } },
      }),
    );
    await act(async () => q('log-thread')?.click());
    expect(q('consent-prompt')).not.toBeNull();
    expect(asked).toHaveLength(3);
  });

  it('"Not now" leaves consent as it was: nothing is sent, and Log asks again', async () => {
    const { q } = mount();
    await act(async () => q('log-thread')?.click());
    await act(async () => q('consent-dismiss')?.click());
    expect(q('consent-prompt')).toBeNull();
    await act(async () => q('log-thread')?.click());
    expect(q('consent-prompt')).not.toBeNull();
    expect(asked).toEqual([]);
  });

  it('consent withdrawn elsewhere: the worker asks for it, and after "Allow" the Log pressed goes ahead', async () => {
    const { q } = mount(true);
    answers.set('logThread', [{ ok: false, error: 'Consent needed.', needsConsent: true }]);
    await act(async () => q('log-thread')?.click());
    await vi.waitFor(() => expect(q('consent-prompt')).not.toBeNull());
    await act(async () => q('consent-allow')?.click());
    await vi.waitFor(() =>
      expect(asked.map((a) => a.type)).toEqual(['logThread', 'grantConsent', 'logThread']),
    );
    expect(q('consent-prompt')).toBeNull();
  });
});

describe('thread links: logging', () => {
  it('says how many messages wait for Gmail to give their text, not only "Queued"', async () => {
    const { q } = mount(true);
    answers.set('logThread', [
      { ok: true, queued: 1, unread: 2 },
      { ok: true, queued: 2, unread: 0 },
    ]);
    await act(async () => q('log-thread')?.click());
    await vi.waitFor(() => expect(document.body.textContent).toContain('did not give the text of 2'));
    await act(async () => q('log-thread')?.click());
    await vi.waitFor(() => expect(document.body.textContent).toContain('Queued for the CRM.'));
    expect(document.body.textContent).not.toContain('did not give');
  });
});
