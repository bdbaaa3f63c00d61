/**
 * Reading Copper's answers: every answer through zod, and a page element by element. One element
 * that does not fit (a deleted activity's stub `{"id":…,"is_deleted":true}`, a record missing a
 * field Threadline needs) is skipped and counted; it never fails the page, so sync cannot stall on
 * one record.
 */
import { z } from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema';
import { describeIssues } from '../../../shared/protocol';
import { CrmError } from '../crm-error';
import type { CrmAnswer } from '../crm-transport';

/** A search's result count: Copper states it in the `X-PW-TOTAL` header (null when absent or odd). */
export function totalOf(answer: Pick<CrmAnswer, 'header'>): number | null {
  const value = answer.header('X-PW-TOTAL');
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

export function parse<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new CrmError('invalidResponse', `${what}: ${describeIssues(result.error)}`);
  return result.data;
}

const anArray = lazySchema(() => z.array(z.unknown()));

export interface Tolerant<T> {
  records: T[];
  skipped: number;
  received: number;
}

/** A page: must be an array; each element parsed on its own. */
export function parseEach<S extends z.ZodMiniType, T>(
  schema: S,
  value: unknown,
  what: string,
  map: (record: z.infer<S>) => T,
): Tolerant<T> {
  const list = parse(anArray, value, what);
  const records: T[] = [];
  for (const element of list) {
    const result = schema.safeParse(element);
    if (result.success) records.push(map(result.data));
  }
  return { records, skipped: list.length - records.length, received: list.length };
}
