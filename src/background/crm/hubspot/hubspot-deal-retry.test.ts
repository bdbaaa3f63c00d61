import { describe, expect, it } from 'vitest';
import { HubspotDouble } from '../../../../test/unit/hubspot-double';
import { connect } from '../../../../test/unit/hubspot-double-client';
import { CrmError } from '../crm-error';
import { labelIdToNumber } from './hubspot-ids';

/** The deal's marker is a note written after the deal: what a retry finds when the create's answer was lost. */
describe('HubSpot deal create, retried', () => {
  it('a deal whose create answer was lost is found on retry: the namesake made since the first attempt, unmarked', async () => {
    const double = new HubspotDouble();
    double.add(
      'deals',
      { dealname: 'Renewal', pipeline: 'default', dealstage: 'appointmentscheduled' },
      '70',
    );
    const input = {
      name: 'Renewal',
      idempotencyKey: 'k-lost',
      pipelineId: labelIdToNumber('default'),
      stageId: labelIdToNumber('appointmentscheduled'),
      value: null,
      closeDate: null,
      primaryContactId: null,
      companyId: null,
    };
    // Before the first attempt: one namesake, not ours.
    const first = await connect(double).client.findCreatedOpportunity(input);
    expect(first).toEqual({ deal: null, namesakes: [70] });
    double.loseAnswer = (method, path) => method === 'POST' && path === '/crm/v3/objects/deals';
    const lost = await connect(double, { maxAttempts: 1 })
      .client.createOpportunity(input)
      .catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(CrmError);
    double.loseAnswer = () => false;
    // The deal was made, its marker note never written: the retry takes it, not the older namesake.
    const retry = await connect(double).client.findCreatedOpportunity(input, first.namesakes);
    expect(retry.deal?.id).not.toBe(70);
    expect(retry.namesakes).toContain(retry.deal?.id);
    // Without `before` (no record of the first attempt), nothing unmarked is taken.
    expect((await connect(double).client.findCreatedOpportunity(input)).deal).toBeNull();
    // A namesake marked by another create is never taken.
    const other = await connect(double).client.createOpportunity({ ...input, idempotencyKey: 'k-other' });
    const again = await connect(double).client.findCreatedOpportunity(input, [
      ...first.namesakes,
      retry.deal?.id ?? 0,
    ]);
    expect(again.deal).toBeNull();
    expect(again.namesakes).toContain(other.id);
  });
});
