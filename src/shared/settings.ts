/**
 * Threadline's settings, and how they are decided: defaults < the user's choices < admin policy
 * (chrome.storage.managed, described by public/managed_schema.json). A policy value locks its
 * setting. Invalid policy values are ignored one by one, each with a warning, and the rest applies.
 */
import { z } from 'zod/mini';
import { lazySchema } from './lazy-schema';
import type { settingsSchema } from './protocol';

export const CONTENT_LEVELS = ['none', 'metadata', 'full'] as const;

/** Declared once, with the message that carries it (protocol.ts, `settingsSchema`). */
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  crmKind: null,
  crmBaseUrl: null,
  extraAllowedCrmHosts: [],
  allowedAccountDomains: [],
  emailContentLevel: 'metadata',
  autoLogDefault: false,
  autoLogUserChangeable: true,
  neverLog: [],
  internalDomains: [],
  retentionDays: 30,
  prohibitedDataMode: 'warn',
  blockInboxSdkTelemetry: true,
  emailTrackingAllowed: false,
  disclosureTextUrl: null,
};

const domain = lazySchema(() =>
  z.string().check(z.regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z0-9-]{2,}$/i, 'not a domain')),
);
const host = lazySchema(() =>
  z.string().check(z.regex(/^(?=.{1,253}$)([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$/i, 'not a host')),
);
const addressOrDomain = lazySchema(() =>
  z.string().check(z.regex(/^([^\s@]+@)?([a-z0-9-]+\.)+[a-z0-9-]{2,}$/i, 'not an address or domain')),
);
const secureUrl = lazySchema(() =>
  z.string().check(
    z.refine((value) => {
      try {
        const url = new URL(value);
        return (
          url.protocol === 'https:' ||
          (url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname))
        );
      } catch {
        return false;
      }
    }, 'must be an https:// URL'),
  ),
);
const list = <T extends z.ZodMiniType>(item: T) => z.array(item).check(z.maxLength(1000));

/** Policy key (as admins write it) → the setting it sets, and what a valid value is. */
export const POLICY_KEYS = {
  CrmKind: { setting: 'crmKind', schema: lazySchema(() => z.enum(['copper', 'local', 'hubspot'])) },
  CrmBaseUrl: { setting: 'crmBaseUrl', schema: secureUrl },
  ExtraAllowedCrmHosts: { setting: 'extraAllowedCrmHosts', schema: lazySchema(() => list(host)) },
  AllowedGoogleAccountDomains: { setting: 'allowedAccountDomains', schema: lazySchema(() => list(domain)) },
  EmailContentLevel: { setting: 'emailContentLevel', schema: lazySchema(() => z.enum(CONTENT_LEVELS)) },
  AutoLogDefault: { setting: 'autoLogDefault', schema: lazySchema(() => z.boolean()) },
  AutoLogUserChangeable: { setting: 'autoLogUserChangeable', schema: lazySchema(() => z.boolean()) },
  NeverLog: { setting: 'neverLog', schema: lazySchema(() => list(addressOrDomain)) },
  InternalDomains: { setting: 'internalDomains', schema: lazySchema(() => list(domain)) },
  RetentionDays: {
    setting: 'retentionDays',
    schema: lazySchema(() => z.number().check(z.int(), z.minimum(1), z.maximum(3650))),
  },
  ProhibitedDataMode: {
    setting: 'prohibitedDataMode',
    schema: lazySchema(() => z.enum(['block', 'warn', 'off'])),
  },
  BlockInboxSdkTelemetry: { setting: 'blockInboxSdkTelemetry', schema: lazySchema(() => z.boolean()) },
  EmailTrackingAllowed: { setting: 'emailTrackingAllowed', schema: lazySchema(() => z.boolean()) },
  DisclosureTextUrl: { setting: 'disclosureTextUrl', schema: secureUrl },
} as const satisfies Record<string, { setting: keyof Settings; schema: z.ZodMiniType }>;

/**
 * Policy keys Threadline no longer reads, and why: an admin who still sets one is told so on the
 * options page instead of trusting a promise nothing keeps.
 */
export const RETIRED_POLICY_KEYS: Readonly<Record<string, string>> = {
  // Copper's API has no visibility field on activities (reference/copper-api.md): an activity is
  // visible to whoever may see its record. A "private" choice would have been a label, not a rule.
  DefaultVisibility:
    'Policy "DefaultVisibility" is no longer used: the CRM decides who sees a logged e-mail (whoever may see the record).',
};

export interface ResolvedSettings {
  settings: Settings;
  /** Settings an admin policy decides: the UI shows them as locked, the worker enforces them. */
  locked: (keyof Settings)[];
  /** One line per ignored policy value, for the options page. */
  warnings: string[];
}

const lower = (values: string[]): string[] => [...new Set(values.map((v) => v.trim().toLowerCase()))];

export function resolveSettings(user: Partial<Settings>, policy: Record<string, unknown>): ResolvedSettings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const locked: (keyof Settings)[] = [];
  const warnings: string[] = [];
  const assign = (key: keyof Settings, value: unknown) => {
    (settings as unknown as Record<string, unknown>)[key] = Array.isArray(value)
      ? lower(value as string[])
      : value;
  };
  // The user's own choices, where the policy leaves them free (validated like policy values).
  const bySetting = new Map(
    Object.values(POLICY_KEYS).map((spec) => [spec.setting as keyof Settings, spec.schema]),
  );
  for (const [key, value] of Object.entries(user) as [keyof Settings, unknown][]) {
    const schema = bySetting.get(key);
    if (schema?.safeParse(value).success) assign(key, value);
  }
  for (const [name, value] of Object.entries(policy)) {
    const retired = RETIRED_POLICY_KEYS[name];
    if (retired !== undefined) {
      warnings.push(retired);
      continue;
    }
    const spec = (POLICY_KEYS as Record<string, { setting: keyof Settings; schema: z.ZodMiniType }>)[name];
    if (!spec) {
      warnings.push(`Unknown policy "${name}" was ignored.`);
      continue;
    }
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) {
      warnings.push(
        `Policy "${name}" has an invalid value and was ignored (${parsed.error.issues[0]?.message ?? 'invalid'}).`,
      );
      continue;
    }
    assign(spec.setting, parsed.data);
    locked.push(spec.setting);
  }
  return { settings, locked: [...locked, ...derivedLocks(settings, locked)], warnings };
}

/**
 * Settings that policy locks without naming them, in ONE place (the worker refuses changes to every
 * locked setting; the pages only show the lock). `AutoLogUserChangeable: false` freezes auto-logging
 * at the policy's `AutoLogDefault`, or at the default (off) when the policy does not set it: the
 * user's own earlier choice no longer counts.
 */
function derivedLocks(settings: Settings, locked: readonly (keyof Settings)[]): (keyof Settings)[] {
  const derived: (keyof Settings)[] = [];
  if (!settings.autoLogUserChangeable && !locked.includes('autoLogDefault')) {
    settings.autoLogDefault = DEFAULT_SETTINGS.autoLogDefault;
    derived.push('autoLogDefault');
  }
  return derived;
}

/** The origin of a URL, or null if it is not one. */
const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * Whether the current policy allows a CRM connection (CrmKind, CrmBaseUrl, ExtraAllowedCrmHosts):
 * null if it does, else which key refuses it. Checked on every request by the egress gate, so a
 * connection saved before the policy changed stops at once.
 */
export function connectionRefusedBy(
  settings: Pick<Settings, 'crmKind' | 'crmBaseUrl' | 'extraAllowedCrmHosts'>,
  connection: { kind: string; baseUrl: string },
): 'CrmKind' | 'CrmBaseUrl' | null {
  if (settings.crmKind !== null && settings.crmKind !== connection.kind) return 'CrmKind';
  if (settings.crmBaseUrl === null) return null;
  const wanted = originOf(settings.crmBaseUrl);
  const origin = originOf(connection.baseUrl);
  if (origin !== null && origin === wanted) return null;
  // An API gateway the admin allowed in front of the CRM (HTTPS only).
  if (origin?.startsWith('https://')) {
    const host = new URL(origin).host.toLowerCase();
    if (settings.extraAllowedCrmHosts.includes(host)) return null;
  }
  return 'CrmBaseUrl';
}

/** Whether Threadline may run for this Gmail account at all (AllowedGoogleAccountDomains). */
export function accountAllowed(settings: Pick<Settings, 'allowedAccountDomains'>, account: string): boolean {
  if (settings.allowedAccountDomains.length === 0) return true;
  const domainOfAccount = account.slice(account.lastIndexOf('@') + 1).toLowerCase();
  return settings.allowedAccountDomains.some(
    (d) => domainOfAccount === d || domainOfAccount.endsWith(`.${d}`),
  );
}
