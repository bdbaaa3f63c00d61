import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../http/copper-error';
import { parseInput, searchBody } from '../http/parse-input';
import { pagingFields } from '../http/run-search';
import type { RouteContext } from '../route-context';

export function registerAccount(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.get('/account', async () => {
    const account = db.prepare('SELECT id, name FROM account LIMIT 1').get();
    if (!account) throw notFound();
    return account;
  });

  /** The calling user (the key's owner). */
  app.get('/users/me', async (request) => {
    if (!request.crmUser) throw notFound();
    const { id, name, email } = request.crmUser;
    return { id, name, email };
  });

  /** Teammates: the client uses them to leave CRM users out of contact cards. */
  app.post('/users/search', async (request, reply) => {
    const input = parseInput(z.strictObject(pagingFields), searchBody(request), 'POST /users/search');
    const size = input.page_size ?? 20;
    const offset = ((input.page_number ?? 1) - 1) * size;
    const total = (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
    reply.header('X-PW-TOTAL', String(total));
    return db
      .prepare('SELECT id, name, email FROM users ORDER BY name, id LIMIT ? OFFSET ?')
      .all(size, offset);
  });

  app.get<{ Params: { id: string } }>('/users/:id', async (request) => {
    const user = db.prepare('SELECT id, name, email FROM users WHERE id = ?').get(Number(request.params.id));
    if (!user) throw notFound();
    return user;
  });

  app.get('/custom_field_definitions', async () =>
    (db.prepare('SELECT data FROM custom_field_definitions ORDER BY id').all() as { data: string }[]).map(
      (r) => JSON.parse(r.data) as unknown,
    ),
  );
}
