import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crmAdapter } from '../background/crm/crm-registry';
import { CRM_PERMISSION_ORIGINS } from './crm-hosts';

describe('CRM host permissions', () => {
  it('are exactly the manifest’s optional host permissions: a connect never asks for one it lacks', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as {
      optional_host_permissions: string[];
      host_permissions?: string[];
    };
    expect([...manifest.optional_host_permissions].sort()).toEqual(
      Object.values(CRM_PERMISSION_ORIGINS).flat().sort(),
    );
    // None is granted at install: each is asked for when the user connects to that CRM.
    for (const origin of Object.values(CRM_PERMISSION_ORIGINS).flat())
      expect(manifest.host_permissions ?? []).not.toContain(origin);
  });

  it('cover each hosted CRM’s API address, the one its adapter sends to', () => {
    for (const kind of ['copper', 'hubspot'] as const)
      expect(CRM_PERMISSION_ORIGINS[kind]).toEqual([`${new URL(crmAdapter(kind).baseUrl('')).origin}/*`]);
  });
});
