import { describe, expect, it } from 'vitest';
import { memoryArea } from '../../../test/unit/memory-area';
import { createLogger } from '../../shared/logger';
import { type ConnectionInfo, CRM_KINDS } from '../../shared/protocol';
import type { ConnectionStore } from '../connection/connection-store';
import type { AuditLog } from '../privacy/audit/audit-log';
import type { ConsentStore } from '../privacy/consent/consent-store';
import type { PolicyState } from '../settings/policy-store';
import { crmAdapter } from './crm-registry';
import { createCrmSession } from './crm-session';

/** A saved connection to a hosted CRM: its API address is the registry's, whatever was typed. */
const connectionTo = (kind: ConnectionInfo['kind']): ConnectionInfo => ({
  kind,
  baseUrl: crmAdapter(kind).baseUrl(''),
  email: 'me@x.test',
  accountName: 'A',
  userName: 'Me',
  connectedAt: 1,
});

describe('the CRM session', () => {
  for (const kind of CRM_KINDS.filter((k) => k !== 'local')) {
    it(`a connection read that failed (the database closed on a full disk) is read again next time, not kept (${kind})`, async () => {
      const info = connectionTo(kind);
      let reads = 0;
      const connection = {
        info: async () => info,
        lastKnown: async () => info,
        credentials: async () => {
          reads += 1;
          if (reads === 1) throw new DOMException('Internal error opening backing store', 'UnknownError');
          return { info, apiKey: 'key' };
        },
        save: async () => undefined,
        clear: async () => undefined,
      } as ConnectionStore;
      const session = createCrmSession({
        connection,
        consent: {} as ConsentStore,
        audit: {} as AuditLog,
        session: memoryArea(),
        policy: { current: async () => ({}) as PolicyState, peek: () => null },
        nowMs: () => 0,
        logger: createLogger('test', () => undefined),
        onHealth: () => undefined,
      });
      await expect(session.client('me@x.test')).rejects.toMatchObject({ name: 'UnknownError' });
      const client = await session.client('me@x.test');
      expect(client).not.toBeNull();
      expect(reads).toBe(2);
      // A client that was made is kept.
      expect(await session.client('me@x.test')).toBe(client);
      expect(reads).toBe(2);
    });
  }
});
