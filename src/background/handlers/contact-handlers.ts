/** The sidebar's contact actions: add a sender to the CRM, edit a person, search the cache. */
import { hasDetails, personRow } from '../../db/record-rows';
import { recordRow } from '../../db/threadline-db';
import { normaliseAddress } from '../../shared/normalise-address';
import type { Handlers } from '../create-router';
import { t } from '../i18n';
import { searchCache } from '../read-models/search-cache';
import { tabAccount, type WorkerContext } from '../worker-context';

type ContactHandlers = Pick<Handlers, 'addContact' | 'updatePerson' | 'searchCrm'>;

export function createContactHandlers(ctx: WorkerContext): ContactHandlers {
  const { db, outbox, nowMs, provisionalId } = ctx;
  return {
    addContact: async (request, context) => {
      await tabAccount(ctx, context.tabId, request.account);
      const address = normaliseAddress(request.address);
      if (!address) return { ok: false, error: t('errNotAnAddress') };
      const info = await ctx.connection.info();
      if (!info) return { ok: false, error: t('errConnectFirst') };
      // A CRM without leads (HubSpot, ConnectionInfo.leads): refused here, before anything is queued.
      if (request.kind === 'lead' && info.leads === false)
        return { ok: false, error: t('errHubspotNoLeads') };
      const { account } = request;
      const name = request.name.trim();
      if (request.kind === 'person') {
        const id = provisionalId();
        await db.people.put(
          personRow(
            account,
            {
              id,
              name,
              title: null,
              companyId: null,
              companyName: request.companyName,
              emails: [{ value: address, category: 'work' }],
              phones: [],
              address: null,
              tags: [],
              ownerId: null,
              lastContactedAt: null,
              modifiedAt: Math.floor(nowMs() / 1000),
            },
            { pending: true },
          ),
        );
        await outbox.enqueue(account, `contact:${address}`, {
          op: 'addPerson',
          payload: { address, name, companyName: request.companyName, provisionalId: id },
        });
      } else {
        await outbox.enqueue(account, `contact:${address}`, {
          op: 'addLead',
          payload: { address, name, companyName: request.companyName },
        });
      }
      await ctx.changed(account);
      return { ok: true };
    },
    updatePerson: async (request, context) => {
      await tabAccount(ctx, context.tabId, request.account);
      const row = await recordRow(db.people, request.account, request.personId);
      if (!row) return { ok: false, error: t('errPersonGone') };
      // A CRM whose tags are read-only (HubSpot, ConnectionInfo.tags): refused before anything is
      // saved or queued, so no tag is shown that the CRM would never keep.
      if (request.patch.tags !== undefined && (await ctx.connection.info())?.tags === false)
        return { ok: false, error: t('errTagsReadOnly') };
      // Phones and tags are written whole: never over a row that does not hold them yet (its card's
      // form then edits the title alone, record-rows.ts `PERSON_DETAILS`).
      if ((request.patch.phones !== undefined || request.patch.tags !== undefined) && !hasDetails(row))
        return { ok: false, error: t('errDetailsNotLoaded') };
      const patch = {
        ...(request.patch.title !== undefined ? { title: request.patch.title?.trim() || null } : {}),
        ...(request.patch.phones !== undefined
          ? { phones: request.patch.phones.filter((p) => p.value.trim() !== '') }
          : {}),
        ...(request.patch.tags !== undefined
          ? { tags: [...new Set(request.patch.tags.map((tag) => tag.trim()).filter(Boolean))] }
          : {}),
      };
      await db.people.put({ ...row, ...patch });
      await outbox.enqueue(request.account, `person:${request.personId}`, {
        op: 'updatePerson',
        payload: { personId: request.personId, patch },
      });
      await ctx.changed(request.account);
      return { ok: true };
    },
    searchCrm: async (request, context) => {
      await tabAccount(ctx, context.tabId, request.account);
      return { results: await searchCache(db, request.account, request.query) };
    },
  };
}
