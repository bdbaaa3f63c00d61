/**
 * Threadline's settings, and how they are decided: defaults < the user's choices < admin policy
 * (chrome.storage.managed, described by public/managed_schema.json). A policy value locks its
 * setting. Invalid policy values are ignored one by one, each with a warning, and the rest applies.
 */
import { z } from 'zod/mini';

export const CONTENT_LEVELS = ['none', 'metadata', 'full'] as const;

export interface Settings {
  crmKind: 'copper' | 'local' | null;
  crmBaseUrl: string | null;
  extraAllowedCrmHosts: string[];
  /** Empty: every Google account. */
  allowedAccountDomains: string[];
  emailContentLevel: (typeof CONTENT_LEVELS)[number];
  defaultVisibility: 'private' | 'team';
  autoLogDefault: boolean;
  autoLogUserChangeable: boolean;
  neverLog: string[];
  internalDomains: string[];
  retentionDays: number;
  prohibitedDataMode: 'block' | 'warn' | 'off';
  blockInboxSdkTelemetry: boolean;
  emailTrackingAllowed: boolean;
  disclosureTextUrl: string | null;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  crmKind: null,
  crmBaseUrl: null,
  extraAllowedCrmHosts: [],
  allowedAccountDomains: [],
  emailContentLevel: 'metadata',
  defaultVisibility: 'private',
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

const domain = z.string().check(z.regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z0-9-]{2,}$/i, 'not a domain'));
const host = z.string().check(z.regex(/^(?=.{1,253}$)([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$/i, 'not a host'));
const addressOrDomain = z
  .string()
  .check(z.regex(/^([^\s@]+@)?([a-z0-9-]+\.)+[a-z0-9-]{2,}$/i, 'not an address or domain'));
const secureUrl = z.string().check(
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
);
const list = <T extends z.ZodMiniType>(item: T) => z.array(item).check(z.maxLength(1000));

/** Policy key (as admins write it) → the setting it sets, and what a valid value is. */
export const POLICY_KEYS = {
  CrmKind: { setting: 'crmKind', schema: z.enum(['copper', 'local']) },
  CrmBaseUrl: { setting: 'crmBaseUrl', schema: secureUrl },
  ExtraAllowedCrmHosts: { setting: 'extraAllowedCrmHosts', schema: list(host) },
  AllowedGoogleAccountDomains: { setting: 'allowedAccountDomains', schema: list(domain) },
  EmailContentLevel: { setting: 'emailContentLevel', schema: z.enum(CONTENT_LEVELS) },
  DefaultVisibility: { setting: 'defaultVisibility', schema: z.enum(['private', 'team']) },
  AutoLogDefault: { setting: 'autoLogDefault', schema: z.boolean() },
  AutoLogUserChangeable: { setting: 'autoLogUserChangeable', schema: z.boolean() },
  NeverLog: { setting: 'neverLog', schema: list(addressOrDomain) },
  InternalDomains: { setting: 'internalDomains', schema: list(domain) },
  RetentionDays: {
    setting: 'retentionDays',
    schema: z.number().check(z.int(), z.minimum(1), z.maximum(3650)),
  },
  ProhibitedDataMode: { setting: 'prohibitedDataMode', schema: z.enum(['block', 'warn', 'off']) },
  BlockInboxSdkTelemetry: { setting: 'blockInboxSdkTelemetry', schema: z.boolean() },
  EmailTrackingAllowed: { setting: 'emailTrackingAllowed', schema: z.boolean() },
  DisclosureTextUrl: { setting: 'disclosureTextUrl', schema: secureUrl },
} as const satisfies Record<string, { setting: keyof Settings; schema: z.ZodMiniType }>;

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
  return { settings, locked, warnings };
}

/** Whether Threadline may run for this Gmail account at all (AllowedGoogleAccountDomains). */
export function accountAllowed(settings: Pick<Settings, 'allowedAccountDomains'>, account: string): boolean {
  if (settings.allowedAccountDomains.length === 0) return true;
  const domainOfAccount = account.slice(account.lastIndexOf('@') + 1).toLowerCase();
  return settings.allowedAccountDomains.some(
    (d) => domainOfAccount === d || domainOfAccount.endsWith(`.${d}`),
  );
}
