/**
 * The status line of a sidebar (CRM health, sync progress, pending and failed writes), read from
 * the cache. One read per account per change: views of every tab of the account share it.
 */
import type { ThreadlineDb } from '../../db/threadline-db';
import type { MessageKey } from '../../shared/message-key';
import type { Health, StatusView } from '../../shared/sidebar-port';
import { CrmError, describeCrmError } from '../crm/crm-error';
import { t } from '../i18n';
import { SYNC_ENTITIES } from '../sync/sync-engine';

const WRITE_LABELS: Record<string, MessageKey> = {
  addPerson: 'writeAddPerson',
  addLead: 'writeAddLead',
  updatePerson: 'writeUpdatePerson',
  linkThread: 'writeLinkThread',
  unlinkThread: 'writeUnlinkThread',
  logMessage: 'writeLogMessage',
  addNote: 'writeAddNote',
  createTask: 'writeCreateTask',
  setTaskStatus: 'writeSetTaskStatus',
  createDeal: 'writeCreateDeal',
  updateDeal: 'writeUpdateDeal',
};

const ERROR_KINDS: readonly string[] = [
  'unauthorized',
  'rateLimited',
  'unreachable',
  'server',
  'notFound',
  'invalidResponse',
  'notConnected',
  'consentRequired',
];

/** "Log e-mail: The CRM refused the change: …" — the CRM's own message where it gave one. */
export function describeFailedWrite(row: { op: string; lastError: string | null }): string {
  const error = row.lastError ?? 'invalidResponse';
  const text = ERROR_KINDS.includes(error)
    ? describeCrmError(new CrmError(error as CrmError['kind'], ''))
    : describeCrmError(new CrmError('invalidInput', error));
  return t('failedWriteReason', t(WRITE_LABELS[row.op] ?? 'writeOther'), text);
}

export interface StatusInputs {
  connected: boolean;
  health: Health;
  syncRunning: boolean;
  /** Sync is paused because the browser refused to store more (sync/storage-pause.ts). */
  storageFull: boolean;
  managed: boolean;
  /** Whether the connected CRM has leads (ConnectionInfo.leads; absent: yes). */
  leads: boolean;
  /** Whether person tags can be written (ConnectionInfo.tags; absent: yes). */
  tags: boolean;
}

/**
 * The status when the database cannot even be read because storage is full (Chromium closes an
 * extension's database on a full disk and refuses to reopen it until space returns): what is known
 * without it. The counts are not known, and the notice says what matters — nothing queued is lost.
 */
export function storageFullStatus(syncRunning: boolean, health: Health = 'ok'): StatusView {
  return {
    health,
    message: null,
    sync: {
      running: syncRunning,
      initial: false,
      entity: null,
      fetched: 0,
      total: null,
      lastSyncAt: null,
      skipped: 0,
    },
    pendingWrites: 0,
    storageFull: true,
    failedWrites: 0,
    failedReasons: [],
    managed: false,
  };
}

export async function readStatus(
  db: ThreadlineDb,
  account: string,
  inputs: StatusInputs,
): Promise<StatusView> {
  const [states, pendingWrites, dead] = await db.transaction('r', db.syncState, db.outbox, () =>
    Promise.all([
      db.syncState.where('[account+entity]').between([account, ''], [account, '\uffff']).toArray(),
      db.outbox.where('[account+state]').equals([account, 'pending']).count(),
      db.outbox.where('[account+state]').equals([account, 'dead']).toArray(),
    ]),
  );
  const byEntity = new Map(states.map((s) => [s.entity, s]));
  const current = SYNC_ENTITIES.find((e) => byEntity.get(e)?.phase !== 'delta') ?? null;
  const currentState = current ? byEntity.get(current) : undefined;
  const completions = SYNC_ENTITIES.map((e) => byEntity.get(e)?.lastSyncAt ?? null);
  const h = inputs.health;
  return {
    health: h,
    message: h === 'ok' || h === 'notConnected' ? null : describeCrmError(new CrmError(h, '')),
    sync: {
      running: inputs.syncRunning,
      initial: inputs.connected && current !== null,
      entity: current,
      fetched: currentState?.fetched ?? 0,
      total: currentState?.total ?? null,
      lastSyncAt: completions.some((c) => c === null) ? null : Math.min(...(completions as number[])),
      skipped: states.reduce((sum, s) => sum + (s.skipped ?? 0), 0),
    },
    pendingWrites,
    storageFull: inputs.storageFull,
    failedWrites: dead.length,
    failedReasons: [...new Set(dead.map(describeFailedWrite))].slice(0, 3),
    managed: inputs.managed,
    ...(inputs.leads ? {} : { leads: false as const }),
    ...(inputs.tags ? {} : { tags: false as const }),
  };
}
