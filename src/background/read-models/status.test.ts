import { describe, expect, it } from 'vitest';
import { ThreadlineDb } from '../../db/threadline-db';
import { statusViewSchema } from '../../shared/status-view';
import { readStatus } from './status';

const inputs = {
  tags: true,
  connected: true,
  health: 'ok',
  syncRunning: false,
  storageFull: false,
  managed: false,
} as const;

describe('readStatus: whether the CRM has leads', () => {
  it('says leads: false for a CRM without leads, and nothing for one with them (absent: it has)', async () => {
    const db = new ThreadlineDb(`status-${Math.random()}`);
    const without = await readStatus(db, 'me@corp.test', { ...inputs, leads: false });
    expect(without.leads).toBe(false);
    expect(statusViewSchema.parse(without).leads).toBe(false);
    const withLeads = await readStatus(db, 'me@corp.test', { ...inputs, leads: true });
    expect('leads' in withLeads).toBe(false);
    // The schema takes no other value: `leads: true` is not how "has leads" is said.
    expect(statusViewSchema.safeParse({ ...withLeads, leads: true }).success).toBe(false);
  });
});

describe('readStatus: whether person tags can be written', () => {
  it('says tags: false for a CRM whose tags are read-only (HubSpot), and nothing otherwise', async () => {
    const db = new ThreadlineDb(`status-${Math.random()}`);
    const readOnly = await readStatus(db, 'me@corp.test', { ...inputs, leads: true, tags: false });
    expect(statusViewSchema.parse(readOnly).tags).toBe(false);
    const writable = await readStatus(db, 'me@corp.test', { ...inputs, leads: true });
    expect('tags' in writable).toBe(false);
  });
});
