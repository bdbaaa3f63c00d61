import { describe, expect, it } from 'vitest';
import {
  messages,
  parseRequest,
  REQUEST_TYPES,
  requestSchemaOf,
  responseSchemaOf,
  tabMessages,
} from './protocol';
import { DEFAULT_SETTINGS } from './settings';

describe('the message declarations', () => {
  it('declare each message once, with its own type literal, senders, request and response', () => {
    for (const type of REQUEST_TYPES) {
      const declaration = messages[type];
      expect(declaration.senders.length, type).toBeGreaterThan(0);
      // The request's `type` is its key: a message with another literal would never be routed to it.
      expect(requestSchemaOf(type).safeParse({ type: `${type}-not` }).success, type).toBe(false);
      // Made once, at the first use, and kept.
      expect(requestSchemaOf(type), type).toBe(requestSchemaOf(type));
      expect(responseSchemaOf(type), type).toBe(responseSchemaOf(type));
    }
  });

  it('routes by the declaration: an unknown type, or a prototype key, is refused', () => {
    expect(parseRequest({ type: 'deleteEverything' })).toEqual({ ok: false, reason: 'unknown message type' });
    expect(parseRequest({ type: 'toString' })).toEqual({ ok: false, reason: 'unknown message type' });
    expect(parseRequest({ type: '__proto__' })).toEqual({ ok: false, reason: 'unknown message type' });
    expect(parseRequest(null)).toEqual({ ok: false, reason: 'unknown message type' });
  });

  it('refuses unknown fields at every level instead of stripping them', () => {
    const thread = { threadId: 't', subject: 's', participants: [], messageIds: [] };
    const base = { type: 'threadOpened', account: 'me@corp.test', thread };
    expect(parseRequest(base)).toMatchObject({ ok: true, senders: ['gmailContentScript'] });
    expect(parseRequest({ ...base, extra: 1 })).toMatchObject({ ok: false });
    expect(parseRequest({ ...base, thread: { ...thread, extra: 1 } })).toMatchObject({ ok: false });
    expect(
      parseRequest({ ...base, thread: { ...thread, participants: [{ name: 'a', address: 'a@b.c', x: 1 }] } }),
    ).toMatchObject({ ok: false });
  });

  it('answers settings with every setting declared: an unknown or missing one, or an unknown lock, is refused', () => {
    const answer = { settings: DEFAULT_SETTINGS, locked: ['crmKind'], warnings: [] };
    expect(responseSchemaOf('getSettings').safeParse(answer).success).toBe(true);
    const refused = [
      { ...answer, settings: { ...DEFAULT_SETTINGS, defaultVisibility: 'private' } },
      { ...answer, settings: { ...DEFAULT_SETTINGS, crmKind: 'salesforce' } },
      { ...answer, locked: ['defaultVisibility'] },
    ];
    for (const bad of refused) expect(responseSchemaOf('getSettings').safeParse(bad).success).toBe(false);
    const { retentionDays: _missing, ...partial } = DEFAULT_SETTINGS;
    expect(responseSchemaOf('getSettings').safeParse({ ...answer, settings: partial }).success).toBe(false);
  });

  it('declares the worker’s messages to the tab the same way', () => {
    expect(
      tabMessages.readBodies.request.safeParse({ type: 'readBodies', threadId: 't', messageIds: [] }).success,
    ).toBe(true);
    expect(
      tabMessages.readBodies.request.safeParse({ type: 'readBodies', threadId: 't', messageIds: [], x: 1 })
        .success,
    ).toBe(false);
  });
});

describe('the toolbar popup’s status overview', () => {
  it('is a strict request of the popup and the options page, answered with the sidebar’s status per account', () => {
    expect(parseRequest({ type: 'statusOverview' })).toEqual({
      ok: true,
      request: { type: 'statusOverview' },
      senders: ['popupPage', 'optionsPage'],
    });
    expect(parseRequest({ type: 'statusOverview', account: 'me@corp.test' })).toMatchObject({ ok: false });
    const status = {
      health: 'ok',
      message: null,
      sync: { running: false, initial: false, entity: null, fetched: 0, total: null, lastSyncAt: 1 },
      pendingWrites: 0,
      failedWrites: 0,
      managed: false,
    };
    const answer = { info: null, blocked: null, accounts: [{ account: 'me@corp.test', status }] };
    expect(responseSchemaOf('statusOverview').safeParse(answer).success).toBe(true);
    expect(responseSchemaOf('statusOverview').safeParse({ ...answer, extra: 1 }).success).toBe(false);
    // Issue 17: the storage-full pause travels with the status, as a boolean only.
    const paused = { ...status, storageFull: true };
    expect(
      responseSchemaOf('statusOverview').safeParse({
        ...answer,
        accounts: [{ account: 'a@b.test', status: paused }],
      }).success,
    ).toBe(true);
    expect(
      responseSchemaOf('statusOverview').safeParse({
        ...answer,
        accounts: [{ account: 'a@b.test', status: { ...status, storageFull: 'yes' } }],
      }).success,
    ).toBe(false);
    expect(
      responseSchemaOf('statusOverview').safeParse({
        ...answer,
        accounts: [{ account: 'me@corp.test', status: { ...status, health: 'fine' } }],
      }).success,
    ).toBe(false);
  });
});
