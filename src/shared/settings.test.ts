import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accountAllowed,
  connectionRefusedBy,
  DEFAULT_SETTINGS,
  POLICY_KEYS,
  resolveSettings,
} from './settings';

describe('settings: defaults < user < admin policy', () => {
  it('starts from the documented defaults', () => {
    const { settings, locked, warnings } = resolveSettings({}, {});
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings).toMatchObject({
      emailContentLevel: 'metadata',
      retentionDays: 30,
      prohibitedDataMode: 'warn',
      emailTrackingAllowed: false,
    });
    expect(locked).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('applies user choices, then policy on top, and locks what policy sets', () => {
    const { settings, locked } = resolveSettings(
      { emailContentLevel: 'full', retentionDays: 7, autoLogDefault: true },
      { EmailContentLevel: 'none', NeverLog: ['Example.org', 'ceo@rival.test'] },
    );
    expect(settings.emailContentLevel).toBe('none');
    expect(settings.retentionDays).toBe(7);
    expect(settings.autoLogDefault).toBe(true);
    expect(settings.neverLog).toEqual(['example.org', 'ceo@rival.test']);
    expect(locked).toEqual(['emailContentLevel', 'neverLog']);
  });

  it('ignores invalid policy values one by one, with a warning each, and applies the rest', () => {
    const { settings, locked, warnings } = resolveSettings(
      {},
      {
        RetentionDays: 0,
        EmailContentLevel: 'everything',
        CrmBaseUrl: 'http://crm.example.com/api',
        AllowedGoogleAccountDomains: ['corp.test', 'not a domain'],
        Colour: 'blue',
        ProhibitedDataMode: 'block',
      },
    );
    expect(settings.retentionDays).toBe(30);
    expect(settings.emailContentLevel).toBe('metadata');
    expect(settings.crmBaseUrl).toBeNull();
    expect(settings.allowedAccountDomains).toEqual([]);
    expect(settings.prohibitedDataMode).toBe('block');
    expect(locked).toEqual(['prohibitedDataMode']);
    expect(warnings).toHaveLength(5);
    expect(warnings).toContain('Unknown policy "Colour" was ignored.');
    expect(warnings.find((w) => w.includes('RetentionDays'))).toMatch(/invalid value/);
  });

  it('ignores invalid user values silently (the options page never writes them)', () => {
    expect(resolveSettings({ retentionDays: -5 } as never, {}).settings.retentionDays).toBe(30);
  });

  it('restricts Threadline to the allowed Google account domains, subdomains included', () => {
    const { settings } = resolveSettings({}, { AllowedGoogleAccountDomains: ['corp.test'] });
    expect(accountAllowed(settings, 'sam@corp.test')).toBe(true);
    expect(accountAllowed(settings, 'sam@eu.corp.test')).toBe(true);
    expect(accountAllowed(settings, 'sam@gmail.com')).toBe(false);
    expect(accountAllowed(settings, 'sam@notcorp.test')).toBe(false);
    expect(accountAllowed(DEFAULT_SETTINGS, 'anyone@anywhere.test')).toBe(true);
  });

  it('CrmKind accepts hubspot (issue 16), locks it, and refuses another CRM kind under it', () => {
    const { settings, locked, warnings } = resolveSettings({}, { CrmKind: 'hubspot' });
    expect(settings.crmKind).toBe('hubspot');
    expect(locked).toContain('crmKind');
    expect(warnings).toEqual([]);
    const hubspot = { kind: 'hubspot' as const, baseUrl: 'https://api.hubapi.com' };
    expect(connectionRefusedBy(settings, hubspot)).toBeNull();
    expect(
      connectionRefusedBy(settings, { kind: 'copper', baseUrl: 'https://api.copper.com/developer_api/v1' }),
    ).toBe('CrmKind');
    const schema = JSON.parse(readFileSync('public/managed_schema.json', 'utf8')) as {
      properties: { CrmKind: { enum: string[] } };
    };
    expect(schema.properties.CrmKind.enum).toContain('hubspot');
  });

  it('matches the managed schema Chrome reads: every key, a type each, nothing else', () => {
    const schema = JSON.parse(readFileSync('public/managed_schema.json', 'utf8')) as {
      type: string;
      properties: Record<string, { type: string; description: string }>;
    };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(POLICY_KEYS).sort());
    for (const [name, property] of Object.entries(schema.properties)) {
      expect(['string', 'boolean', 'integer', 'array', 'number', 'object'], name).toContain(property.type);
      expect(property.description, name).toMatch(/Default:/);
    }
  });
});
