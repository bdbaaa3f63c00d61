/**
 * The Copper client's transport for unit tests: real HTTP to the local CRM server (the strict double
 * of Copper), errors mapped to CrmError as crm/crm-transport.ts does. No retries, no egress gate:
 * those have their own tests.
 */
import { API_PREFIX } from '../../server/src/create-crm-server';
import { authHeaders, type TestServer } from '../../server/test/start-test-server';
import { CrmError } from '../../src/background/crm/crm-error';
import type { CrmCall, CrmTransport } from '../../src/background/crm/crm-transport';

export function serverTransport(server: TestServer, sent: CrmCall[] = []): CrmTransport {
  return {
    async request(call) {
      sent.push(call);
      const answer = await server.raw(`${API_PREFIX}${call.path}`, {
        method: call.method,
        headers: authHeaders(server.owner),
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      });
      if (answer.status === 404) throw new CrmError('notFound', 'not found', 404);
      if (answer.status >= 400) {
        const message =
          typeof answer.body === 'object' && answer.body !== null && 'message' in answer.body
            ? String(answer.body.message)
            : answer.text;
        throw new CrmError('invalidInput', message, answer.status);
      }
      const { headers } = answer;
      return { status: answer.status, json: answer.body, header: (name) => headers.get(name) };
    },
  };
}
