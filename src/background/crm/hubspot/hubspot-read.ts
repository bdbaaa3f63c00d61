/**
 * Reading HubSpot's answers: the envelope through zod, then each element on its own. One element
 * that does not fit (an id that is not digits, a property that is not a string) is skipped and
 * counted, so sync never stalls on one record.
 */
import type { z } from 'zod/mini';
import { describeIssues } from '../../../shared/protocol';
import { CrmError } from '../crm-error';
import { hubspotResults } from './hubspot-schemas';

export function parse<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new CrmError('invalidResponse', `${what}: ${describeIssues(result.error)}`);
  return result.data;
}

export interface Results<T> {
  records: T[];
  skipped: number;
  received: number;
  total: number | null;
  /** `paging.next.after`, or null on the last page (no `paging`). */
  after: string | null;
}

export function parseResults<S extends z.ZodMiniType, T>(
  schema: S,
  value: unknown,
  what: string,
  map: (record: z.infer<S>) => T,
): Results<T> {
  const envelope = parse(hubspotResults, value, what);
  const records: T[] = [];
  for (const element of envelope.results) {
    const result = schema.safeParse(element);
    if (!result.success) continue;
    try {
      records.push(map(result.data));
    } catch (error) {
      if (!(error instanceof CrmError)) throw error;
    }
  }
  return {
    records,
    skipped: envelope.results.length - records.length,
    received: envelope.results.length,
    total: envelope.total ?? null,
    after: envelope.paging?.next?.after ?? null,
  };
}
