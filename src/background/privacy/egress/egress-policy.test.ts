import { describe, expect, it } from 'vitest';
import { type AuditEntry, createEgress, EgressDenied, type EgressRequest } from './egress-fetch';
import { DATA_CLASSES, decideEgress, EGRESS_MATRIX, PURPOSES } from './egress-policy';

const CRM = 'https://crm.example.test';

function gate(options: { consent?: boolean; extra?: string[] } = {}) {
  const sent: string[] = [];
  const audit: AuditEntry[] = [];
  const egress = createEgress({
    allowedOrigin: () => CRM,
    extraHosts: () => options.extra ?? [],
    hasConsent: async () => options.consent ?? false,
    audit: async (entry) => void audit.push(entry),
    now: () => 1_700_000_000_000,
    fetchImpl: async (url) => {
      sent.push(url);
      return { status: 200, headers: { get: () => null }, text: async () => '{}' };
    },
  });
  return { egress, sent, audit };
}

const call = (over: Partial<EgressRequest>): EgressRequest => ({
  url: `${CRM}/api/people/search`,
  method: 'POST',
  headers: {},
  body: '{"emails":["alice@acme.test"]}',
  purpose: 'lookupContact',
  dataClasses: ['googleUserData'],
  account: 'me@corp.test',
  ...over,
});

describe('the egress matrix (deny by default)', () => {
  it('never allows analytics, ads, model training or human review, for any data', () => {
    for (const purpose of ['analytics', 'ads', 'modelTraining', 'humanReview'] as const)
      for (const dataClass of DATA_CLASSES)
        expect(decideEgress(purpose, [dataClass], 'crm')).toEqual({
          allow: false,
          reason: `purpose ${purpose} is never allowed`,
        });
  });

  it('allows exactly the listed classes per purpose, and nothing to other destinations', () => {
    for (const purpose of PURPOSES) {
      const rule = EGRESS_MATRIX[purpose];
      for (const dataClass of DATA_CLASSES) {
        const allowed = rule?.classes.includes(dataClass) ?? false;
        expect(decideEgress(purpose, [dataClass], 'crm').allow, `${purpose} × ${dataClass}`).toBe(allowed);
        expect(decideEgress(purpose, [dataClass], 'other').allow).toBe(false);
      }
    }
    expect(decideEgress('lookupContact', [], 'crm').allow).toBe(false);
    expect(decideEgress('syncRecords', ['googleUserData'], 'crm').allow).toBe(false);
    expect(decideEgress('auth', ['googleUserData'], 'crm').allow).toBe(false);
    expect(decideEgress('addNote', ['diagnostics'], 'crm').allow).toBe(false);
  });

  it('asks for consent only where Gmail data is logged or linked', () => {
    expect(decideEgress('logEmail', ['googleUserData', 'crmData'], 'crm')).toEqual({
      allow: true,
      consent: 'emailLogging',
    });
    expect(decideEgress('linkThread', ['googleUserData'], 'adminHost')).toEqual({
      allow: true,
      consent: 'emailLogging',
    });
    expect(decideEgress('lookupContact', ['googleUserData'], 'crm')).toEqual({ allow: true, consent: null });
  });
});

describe('the egress gate', () => {
  it('refuses a logging call without consent before anything is sent or audited', async () => {
    const { egress, sent, audit } = gate({ consent: false });
    const refused = await egress(
      call({ purpose: 'logEmail', dataClasses: ['googleUserData', 'crmData'] }),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EgressDenied);
    expect((refused as EgressDenied).consent).toBe('emailLogging');
    expect(sent).toEqual([]);
    expect(audit).toEqual([]);
  });

  it('sends with consent and writes one audit row: purpose, host, classes, records, bytes, never content', async () => {
    const { egress, sent, audit } = gate({ consent: true });
    await egress(
      call({
        purpose: 'logEmail',
        dataClasses: ['googleUserData', 'crmData'],
        body: '{"details":"Secret subject"}',
        recordIds: ['person:7'],
      }),
    );
    expect(sent).toHaveLength(1);
    expect(audit).toEqual([
      {
        account: 'me@corp.test',
        at: 1_700_000_000_000,
        purpose: 'logEmail',
        host: 'crm.example.test',
        method: 'POST',
        dataClasses: ['googleUserData', 'crmData'],
        recordIds: ['person:7'],
        bytes: 28,
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain('Secret');
  });

  it('does not audit plain CRM reads, and refuses forbidden purposes and unknown hosts', async () => {
    const { egress, sent, audit } = gate({ consent: true });
    await egress(call({ purpose: 'syncRecords', dataClasses: ['crmData'], body: '{}' }));
    expect(audit).toEqual([]);
    await expect(egress(call({ purpose: 'analytics', dataClasses: ['diagnostics'] }))).rejects.toThrow(
      'never allowed',
    );
    await expect(egress(call({ url: 'https://tracker.example/collect' }))).rejects.toThrow('not the CRM');
    await expect(egress(call({ url: 'http://crm.example.test/api' }))).rejects.toThrow('insecure');
    expect(sent).toHaveLength(1);
  });

  it('reaches admin-allowed hosts over HTTPS for CRM purposes only', async () => {
    const { egress, sent } = gate({ consent: true, extra: ['eu.crm.example.test'] });
    await egress(call({ url: 'https://eu.crm.example.test/api/people/search' }));
    await expect(
      egress(call({ url: 'https://eu.crm.example.test/x', purpose: 'ads', dataClasses: ['crmData'] })),
    ).rejects.toThrow('never allowed');
    expect(sent).toEqual(['https://eu.crm.example.test/api/people/search']);
  });
});
