import { describe, expect, it } from 'vitest';
import { HubspotDouble } from '../../../../test/unit/hubspot-double';
import { connect } from '../../../../test/unit/hubspot-double-client';
import { CrmError } from '../crm-error';
import { labelIdToNumber } from './hubspot-ids';

/** A "Renewal" deal in the default pipeline's first stage, with `change` on top. */
const dealInput = (idempotencyKey: string, change: { value?: number; closeDate?: number } = {}) => ({
  name: 'Renewal',
  idempotencyKey,
  pipelineId: labelIdToNumber('default'),
  stageId: labelIdToNumber('appointmentscheduled'),
  value: null,
  closeDate: null,
  primaryContactId: null,
  companyId: null,
  ...change,
});

/** What a retried create finds on HubSpot: a deal's marker is a note written after the deal. */
describe('HubSpot creates, retried', () => {
  it('a deal whose create answer was lost is found on retry: the namesake made since the first attempt, unmarked', async () => {
    const double = new HubspotDouble();
    double.add(
      'deals',
      { dealname: 'Renewal', pipeline: 'default', dealstage: 'appointmentscheduled' },
      '70',
    );
    const input = dealInput('k-lost');
    // Before the first attempt: one namesake, not ours.
    const first = await connect(double).client.findCreatedOpportunity(input);
    expect(first).toEqual({ deal: null, namesakes: [70] });
    double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/deals';
    const lost = await connect(double, { maxAttempts: 1 })
      .client.createOpportunity(input)
      .catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(CrmError);
    double.loseAnswer = () => false;
    const find = (key: string, before?: number[]) =>
      connect(double).client.findCreatedOpportunity({ ...input, idempotencyKey: key }, before);
    // Without `before` (no record of the first attempt), nothing unmarked is taken.
    expect((await find('k-lost')).deal).toBeNull();
    // The deal was made, its marker note never written: the retry takes it, not the older namesake,
    const retry = await find('k-lost', first.namesakes);
    const made = retry.deal?.id ?? 0;
    expect(made).not.toBe(70);
    expect(retry.namesakes).toEqual([made, 70]); // newest first
    // and marks it: from now on it is found as this create's by its marker.
    expect((await find('k-lost')).deal?.id).toBe(made);
    // Never taken by another create: it is marked now; nor a namesake marked by another create,
    const other = await connect(double).client.createOpportunity({ ...input, idempotencyKey: 'k-other' });
    expect((await find('k-third', [70])).deal).toBeNull();
    // nor an unmarked one made since that is not this create's deal (another amount).
    double.add('deals', {
      dealname: 'Renewal',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
      amount: '99.00',
    });
    const third = await find('k-third', [70, made, other.id]);
    expect(third.deal).toBeNull();
    expect(third.namesakes).toHaveLength(4);
  });
  it('takes back its deal with an amount of more than two decimals, as sent (rounded to cents)', async () => {
    const double = new HubspotDouble();
    const input = dealInput('k-cents', { value: 1234.567, closeDate: Date.UTC(2026, 11, 1) / 1000 });
    const first = await connect(double).client.findCreatedOpportunity(input);
    double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/deals';
    await connect(double, { maxAttempts: 1 })
      .client.createOpportunity(input)
      .catch(() => undefined);
    double.loseAnswer = () => false;
    const retry = await connect(double).client.findCreatedOpportunity(input, first.namesakes);
    expect(retry.deal).toMatchObject({ name: 'Renewal', value: 1234.57 });
  });
  it('does not take back a deal of that name made since with another close date', async () => {
    const double = new HubspotDouble();
    const input = dealInput('k-close', { closeDate: Date.UTC(2026, 11, 1) / 1000 });
    const first = await connect(double).client.findCreatedOpportunity(input);
    double.add('deals', {
      dealname: 'Renewal',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
      closedate: String(Date.UTC(2027, 0, 15)),
    });
    expect((await connect(double).client.findCreatedOpportunity(input, first.namesakes)).deal).toBeNull();
  });

  it('offers no task on no record for taking back (it cannot be told from one on a record)', async () => {
    const double = new HubspotDouble();
    double.add('contacts', { email: 'ana@acme.test', firstname: 'Ana' }, '512');
    const { client } = connect(double);
    await client.createTask({
      name: 'Follow up',
      related: { type: 'person', id: 512 },
      dueDate: null,
      priority: 'None',
    });
    const before = double.requests.length;
    expect(await client.findTasks('Follow up', null)).toEqual([]);
    expect(double.requests.length).toBe(before); // and asks nothing
  });
  it('answers with the deal when only its marker note fails: the create is not failed, so not sent again', async () => {
    const double = new HubspotDouble();
    double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/notes';
    const deal = await connect(double, { maxAttempts: 1 }).client.createOpportunity(dealInput('k-note'));
    expect(deal.name).toBe('Renewal');
    expect(double.objects.deals?.size).toBe(1);
  });
});
