import { describe, expect, it } from 'vitest';
import { popupSender, sidebarSender, TEST_ID, TEST_ORIGIN } from '../../test/unit/fake-platform';
import { classifySender } from './classify-sender';

const classify = (sender: Parameters<typeof classifySender>[0]) =>
  classifySender(sender, TEST_ID, TEST_ORIGIN);

describe('classifySender', () => {
  it('knows the toolbar popup as its own kind, in no tab or (browser tests) in a tab', () => {
    expect(classify(popupSender())).toEqual({
      ok: true,
      context: { kind: 'popupPage', tabId: null, frameId: 0, documentId: null },
    });
    expect(classify({ ...popupSender(), tab: { id: 4 } })).toMatchObject({
      ok: true,
      context: { kind: 'popupPage', tabId: 4 },
    });
  });

  it('keeps the other pages apart from the popup', () => {
    expect(classify(sidebarSender(7))).toMatchObject({ ok: true, context: { kind: 'sidebarPage' } });
    expect(classify({ id: TEST_ID, url: `${TEST_ORIGIN}src/options/index.html` })).toMatchObject({
      ok: true,
      context: { kind: 'optionsPage' },
    });
    expect(classify({ id: TEST_ID, url: `${TEST_ORIGIN}src/popupish/index.html` })).toEqual({
      ok: false,
      reason: 'unexpected extension page',
    });
  });

  it('refuses the popup page of another extension, or a web page claiming the path', () => {
    expect(classify({ ...popupSender(), id: 'someoneelse' })).toEqual({
      ok: false,
      reason: 'sender is not this extension',
    });
    expect(classify({ id: TEST_ID, url: 'https://evil.test/src/popup/index.html', tab: { id: 2 } })).toEqual({
      ok: false,
      reason: 'unexpected sender origin https://evil.test',
    });
  });
});
