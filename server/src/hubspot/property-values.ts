/**
 * Property values in and out (reference/hubspot-api.md, "Records, value formats"): every value out is
 * a string or null, datetimes as ISO 8601 UTC; datetimes in as epoch ms or ISO 8601; `""` clears;
 * unknown or read-only names in a write are a 400 VALIDATION_ERROR naming them.
 */

import { HubspotError, type HubspotErrorDetail } from './hubspot-error';
import type { HsObject } from './hubspot-store';
import {
  ALWAYS_RETURNED,
  DEFAULT_PROPERTIES,
  type ObjectType,
  PROPERTIES,
  TIMESTAMP_PROPERTIES,
} from './object-types';
import { findPipeline } from './pipelines-and-owners';

interface Problem {
  name: string;
  code: string;
  message: string;
}

/**
 * `Property values were not valid: [...]` with one entry per bad property, and `errors[]` with
 * `code` and `context.propertyName` [OBJ]. Codes other than PROPERTY_DOESNT_EXIST (READ_ONLY_VALUE,
 * INVALID_OPTION, INVALID_DATE, INVALID_INTEGER, MAX_LENGTH) are HubSpot's names as clients report
 * them: unconfirmed by the reference.
 */
export function invalidProperties(problems: readonly Problem[]): HubspotError {
  const listed = problems.map((p) => ({ isValid: false, message: p.message, error: p.code, name: p.name }));
  const errors: HubspotErrorDetail[] = problems.map((p) => ({
    message: p.message,
    code: p.code,
    context: { propertyName: [p.name] },
  }));
  return new HubspotError(
    400,
    `Property values were not valid: ${JSON.stringify(listed)}`,
    'VALIDATION_ERROR',
    {
      errors,
    },
  );
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Epoch ms (number or digits) or ISO 8601 → epoch ms; null when it is neither [TS]. A bare
 * `YYYY-MM-DD` is taken as UTC midnight and an ISO time without an offset as UTC (both unconfirmed;
 * this server never reads them in its own time zone).
 */
export function parseDatetime(value: string): number | null {
  if (/^-?\d{1,15}$/.test(value)) return Number(value);
  if (!ISO_DATE.test(value)) return null;
  const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : ms;
}

export interface WriteContext {
  ownerIds: ReadonlySet<string>;
}

/**
 * Checks `properties` of a create or update and returns the record's new property map (`existing`
 * changed by it). Every problem is reported at once, and nothing is written when there is one.
 */
export function applyWrite(
  type: ObjectType,
  input: unknown,
  existing: Readonly<Record<string, string>>,
  context: WriteContext,
): Record<string, string> {
  if (input === undefined) return { ...existing };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    // Wording unconfirmed: HubSpot refuses a body whose `properties` is not an object.
    throw new HubspotError(400, 'Invalid input JSON: `properties` must be an object', 'VALIDATION_ERROR');
  }
  const definitions = PROPERTIES[type];
  const next: Record<string, string> = { ...existing };
  const problems: Problem[] = [];
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    const definition = Object.hasOwn(definitions, name) ? definitions[name] : undefined;
    if (!definition) {
      problems.push({ name, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (definition.readOnly) {
      problems.push({
        name,
        code: 'READ_ONLY_VALUE',
        message: `"${name}" is a read only property; its value cannot be set.`,
      });
      continue;
    }
    // The spec types values as strings; JSON numbers and booleans are taken as their text, and
    // null as "" (clear) — how HubSpot treats those is unconfirmed.
    if (raw !== null && typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      problems.push({
        name,
        code: 'INVALID_OPTION',
        message: `${JSON.stringify(raw)} is not a valid value for "${name}".`,
      });
      continue;
    }
    const value = raw === null ? '' : String(raw);
    if (value === '') {
      delete next[name];
      continue;
    }
    const bad = (code: string, why: string) =>
      problems.push({ name, code, message: `${JSON.stringify(value)} ${why} for "${name}".` });
    switch (definition.kind) {
      case 'datetime': {
        const ms = parseDatetime(value);
        if (ms === null) bad('INVALID_DATE', 'is not a valid datetime (epoch milliseconds or ISO 8601)');
        else next[name] = String(ms);
        break;
      }
      case 'number':
        if (!/^-?\d+(\.\d+)?$/.test(value.trim())) bad('INVALID_INTEGER', 'is not a valid number');
        else next[name] = value.trim();
        break;
      case 'enumeration':
        if (definition.options && !definition.options.includes(value))
          bad('INVALID_OPTION', 'is not a valid option');
        else if (name === 'hubspot_owner_id' && !context.ownerIds.has(value))
          bad('INVALID_OWNER_ID', 'is not a valid owner id');
        else next[name] = value;
        break;
      default:
        if (definition.maxLength !== undefined && value.length > definition.maxLength)
          bad('MAX_LENGTH', `is longer than ${definition.maxLength} characters`);
        else next[name] = value;
    }
  }
  if (type === 'deals') checkStage(next, input as Record<string, unknown>, problems);
  if (type === 'emails' && 'hs_email_headers' in (input as object)) fillEmailHeaders(next);
  if (problems.length > 0) throw invalidProperties(problems);
  return next;
}

/** A deal's stage must be a stage of its pipeline (HubSpot's pipelines decide the options). */
function checkStage(next: Record<string, string>, input: Record<string, unknown>, problems: Problem[]): void {
  if (!('pipeline' in input) && !('dealstage' in input)) return;
  const pipelineId = next.pipeline;
  const pipeline = pipelineId === undefined ? undefined : findPipeline(pipelineId);
  if (pipelineId !== undefined && !pipeline) {
    problems.push({
      name: 'pipeline',
      code: 'INVALID_OPTION',
      message: `${JSON.stringify(pipelineId)} is not a valid pipeline.`,
    });
    return;
  }
  const stageId = next.dealstage;
  if (stageId !== undefined && pipeline && !pipeline.stages.some((s) => s.id === stageId)) {
    problems.push({
      name: 'dealstage',
      code: 'INVALID_OPTION',
      message: `${JSON.stringify(stageId)} is not a valid stage of pipeline ${JSON.stringify(pipeline.id)}.`,
    });
  }
}

interface HeaderPerson {
  email?: unknown;
  firstName?: unknown;
  lastName?: unknown;
}

/**
 * `hs_email_headers` (a JSON string `{"from":{…},"to":[…],"cc":[…],"bcc":[…]}`, shape [CODE]) fills the
 * read-only `hs_email_from_email`… [EMAILS]. A string that is not that JSON fills nothing (unconfirmed).
 */
function fillEmailHeaders(next: Record<string, string>): void {
  for (const key of Object.keys(next)) if (/^hs_email_(from|to|cc|bcc)_/.test(key)) delete next[key];
  let headers: { from?: HeaderPerson; to?: HeaderPerson[]; cc?: HeaderPerson[]; bcc?: HeaderPerson[] };
  try {
    headers = JSON.parse(next.hs_email_headers ?? '') as typeof headers;
  } catch {
    return;
  }
  if (headers === null || typeof headers !== 'object') return;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const set = (name: string, value: string) => {
    if (value !== '') next[name] = value;
  };
  if (headers.from && typeof headers.from === 'object') {
    set('hs_email_from_email', text(headers.from.email));
    set('hs_email_from_firstname', text(headers.from.firstName));
    set('hs_email_from_lastname', text(headers.from.lastName));
  }
  const list = (people: unknown, field: keyof HeaderPerson): string =>
    Array.isArray(people)
      ? people
          .map((p: HeaderPerson) => text(p?.[field]))
          .filter((v) => v !== '')
          .join(';')
      : '';
  set('hs_email_to_email', list(headers.to, 'email'));
  set('hs_email_to_firstname', list(headers.to, 'firstName'));
  set('hs_email_to_lastname', list(headers.to, 'lastName'));
  set('hs_email_cc_email', list(headers.cc, 'email'));
  set('hs_email_bcc_email', list(headers.bcc, 'email'));
}

/** A property's value as HubSpot serves it: a string (datetimes ISO) or null. */
export function readValue(object: HsObject, name: string): string | null {
  const stamps = TIMESTAMP_PROPERTIES[object.type];
  if (name === 'hs_object_id') return String(object.id);
  if (name === stamps.created) return new Date(object.createdAt).toISOString();
  if (name === stamps.modified) return new Date(object.updatedAt).toISOString();
  const value = object.properties[name];
  if (value === undefined) return null;
  return PROPERTIES[object.type][name]?.kind === 'datetime' ? new Date(Number(value)).toISOString() : value;
}

/** The value a search compares: datetimes and numbers as numbers, the rest as text. */
export function comparableValue(object: HsObject, name: string): string | number | null {
  const kind = PROPERTIES[object.type][name]?.kind;
  const stamps = TIMESTAMP_PROPERTIES[object.type];
  if (name === 'hs_object_id') return object.id;
  if (name === stamps.created) return object.createdAt;
  if (name === stamps.modified) return object.updatedAt;
  const value = object.properties[name];
  if (value === undefined) return null;
  if (kind === 'datetime' || kind === 'number') return Number(value);
  return value;
}

/**
 * The names a read returns: the defaults without `requested`; else the requested names HubSpot
 * knows (unknown ones are ignored [SPEC]) plus the id and timestamps.
 */
export function propertyNames(type: ObjectType, requested: readonly string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) return [...DEFAULT_PROPERTIES[type]];
  const known = requested.filter((name) => Object.hasOwn(PROPERTIES[type], name));
  return [...new Set([...known, ...ALWAYS_RETURNED(type)])];
}

export interface SerialiseOptions {
  properties: readonly string[];
  associations?: Record<string, { results: { id: string; type: string }[] }>;
}

/** `{id, properties, createdAt, updatedAt, archived}` (+ `archivedAt`, `associations`) [SPEC]. */
export function serialise(object: HsObject, options: SerialiseOptions): Record<string, unknown> {
  const properties: Record<string, string | null> = {};
  for (const name of options.properties) properties[name] = readValue(object, name);
  return {
    id: String(object.id),
    properties,
    createdAt: new Date(object.createdAt).toISOString(),
    updatedAt: new Date(object.updatedAt).toISOString(),
    archived: object.archived,
    ...(object.archived && object.archivedAt !== null
      ? { archivedAt: new Date(object.archivedAt).toISOString() }
      : {}),
    ...(options.associations && Object.keys(options.associations).length > 0
      ? { associations: options.associations }
      : {}),
  };
}
