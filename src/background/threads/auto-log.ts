/**
 * Auto-logging of a just-opened thread, by the CRM's rules plus never-log: each contact who passes
 * every rule gets the messages they sent or received, with prohibited data removed (nobody is
 * there to ask). This is the filter (who is a candidate); the logging gate in queue-logs.ts applies
 * the rules again to each message.
 */
import { emailKey } from '../../db/threadline-db';
import type { RecordRef } from '../../shared/crm-model';
import { normaliseAddress } from '../../shared/normalise-address';
import type { ThreadFacts } from '../../shared/protocol';
import { guardBodies, transferBlocked } from './logging-guard';
import { mayAutoLog } from './may-auto-log';
import { withMessages } from './messages-of';
import { type QueueDeps, queueLogs } from './queue-logs';

export type AutoLogDeps = QueueDeps;

/** Returns how many messages were queued. `outside`: the thread's outside participants' addresses. */
export async function autoLog(
  deps: AutoLogDeps,
  account: string,
  thread: ThreadFacts,
  outside: readonly string[],
  readBodies: (threadId: string, messageIds: string[]) => Promise<Map<string, string>>,
): Promise<number> {
  const { settings } = await deps.settings();
  if (!settings.autoLogDefault || settings.emailContentLevel === 'none') return 0;
  if (await transferBlocked(deps.consent, account)) return 0;
  const teammates = await deps.teammatesOf(account);
  const records: { ref: RecordRef; address: string }[] = [];
  for (const address of outside) {
    const person = await deps.db.people
      .where('emailKeys')
      .equals(emailKey(account, address))
      .filter((row) => row.account === account) // keys carry a tag, not the address (key-prefix.ts)
      .first();
    const verdict = mayAutoLog({
      address,
      isContact: person !== undefined && person.id > 0,
      account,
      teammates,
      internalDomains: settings.internalDomains,
      neverLog: settings.neverLog,
    });
    if (verdict.ok && person) records.push({ ref: { type: 'person', id: person.id }, address });
  }
  if (records.length === 0) return 0;
  const guarded = await guardBodies(readBodies, thread, settings, 'redact');
  let queued = 0;
  for (const { ref, address } of records) {
    // A contact gets the messages they sent or received, not the whole thread.
    const involved = (p: { address: string }) => normaliseAddress(p.address) === address;
    const share = withMessages(thread, (m) => involved(m.from) || m.recipients.some(involved));
    if (share.messageIds.length === 0) continue;
    // At level "full" the gate leaves a message whose body Gmail did not give for a later open.
    const logged = await queueLogs(
      deps,
      account,
      share,
      [ref],
      guarded.ok ? guarded.bodies : new Map(),
      'redact',
    );
    queued += logged.queued;
  }
  return queued;
}
