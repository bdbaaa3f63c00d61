// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { byTestId, mount } from '../../test/unit/mount';
import type { ResponseOf } from '../shared/protocol';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { WorkerRequestError } from '../shared/worker-client';
import { t } from '../ui/i18n';
import { LoggingSection } from './logging-section';
import type { OptionsApi } from './options-api';
import { PrivacySection } from './privacy-section';

type Answer = ResponseOf<'getSettings'>;
const answerOf = (changes: Partial<Answer['settings']> = {}, locked: string[] = []): Answer => ({
  settings: { ...DEFAULT_SETTINGS, crmKind: 'local', ...changes },
  locked: locked as Answer['locked'],
  warnings: [],
});

/** The worker as the sections use it: saves are recorded (answered once `answer` is called); every other request is refused. */
function fakeApi(held = false) {
  const patches: unknown[] = [];
  let answer: () => void = () => undefined;
  const api = {
    ask: (async (type: string, body: { patch?: unknown }) => {
      if (type === 'setUserSettings') {
        patches.push(body.patch);
        if (held) await new Promise<void>((resolve) => (answer = resolve));
        return { ok: true };
      }
      throw new WorkerRequestError('refused', type);
    }) as OptionsApi['ask'],
  } as OptionsApi;
  return { api, patches, answer: () => answer() };
}

const choose = async (element: HTMLElement | null, value: string, event = 'change') => {
  await act(async () => {
    (element as HTMLSelectElement | HTMLInputElement).value = value;
    element?.dispatchEvent(new Event(event, { bubbles: true }));
  });
};

describe('settings sections: an edit not yet saved', () => {
  it('survives the settings being read again (a policy change, another section saved), and is what Save sends', async () => {
    const { api, patches } = fakeApi();
    const root = await mount(
      <LoggingSection api={api} answer={answerOf({ emailContentLevel: 'metadata' })} />,
    );
    const level = () => byTestId(root, 'setting-level') as HTMLSelectElement;
    await choose(level(), 'full');
    // The page reads the settings again before Save is pressed: the same stored values, a new answer.
    await act(async () => {
      render(<LoggingSection api={api} answer={answerOf({ emailContentLevel: 'metadata' })} />, root);
    });
    expect(level().value).toBe('full');
    // Stored elsewhere meanwhile (another device's save): the user's choice still stands.
    await act(async () => {
      render(<LoggingSection api={api} answer={answerOf({ emailContentLevel: 'none' })} />, root);
    });
    expect(level().value).toBe('full');
    await act(async () => byTestId(root, 'settings-save')?.click());
    expect(patches).toEqual([expect.objectContaining({ emailContentLevel: 'full' })]);
    // Saved: the save's own read, then the field follows the settings again.
    for (const stored of ['full', 'metadata'] as const) {
      await act(async () => {
        render(<LoggingSection api={api} answer={answerOf({ emailContentLevel: stored })} />, root);
      });
      expect(level().value).toBe(stored);
    }
  });

  it('gives way when the administrator locks the setting', async () => {
    const { api } = fakeApi();
    const root = await mount(<PrivacySection api={api} answer={answerOf({ retentionDays: 30 })} />);
    const retention = () => byTestId(root, 'setting-retention') as HTMLInputElement;
    await choose(retention(), '90', 'input');
    await act(async () => {
      render(<PrivacySection api={api} answer={answerOf({ retentionDays: 30 })} />, root);
    });
    expect(retention().value).toBe('90');
    await act(async () => {
      render(<PrivacySection api={api} answer={answerOf({ retentionDays: 7 }, ['retentionDays'])} />, root);
    });
    expect(retention().value).toBe('7');
  });

  it('an edit made while a save is on its way is not taken for saved', async () => {
    const { api, patches, answer } = fakeApi(true);
    const root = await mount(
      <LoggingSection api={api} answer={answerOf({ emailContentLevel: 'metadata' })} />,
    );
    const level = () => byTestId(root, 'setting-level') as HTMLSelectElement;
    await choose(level(), 'full');
    await act(async () => byTestId(root, 'settings-save')?.click());
    await choose(level(), 'none');
    await act(async () => answer());
    // The save has finished (whatever the order of its promises) before the save's own read arrives.
    await vi.waitFor(() => expect(root.textContent).toContain(t('saved')));
    expect(patches).toEqual([expect.objectContaining({ emailContentLevel: 'full' })]);
    // The save's own read: "full" is stored, and the newer choice stays on screen.
    await act(async () => {
      render(<LoggingSection api={api} answer={answerOf({ emailContentLevel: 'full' })} />, root);
    });
    expect(level().value).toBe('none');
  });
});
