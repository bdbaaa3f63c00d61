import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { lazySchema } from './lazy-schema';

describe('lazySchema', () => {
  it('makes the schema on first use only, and once', () => {
    let made = 0;
    const person = lazySchema(() => {
      made += 1;
      return z.strictObject({ name: z.string(), age: z.optional(z.number()) });
    });
    expect(made).toBe(0);
    expect(person.parse({ name: 'Ada' })).toEqual({ name: 'Ada' });
    expect(person.safeParse({ name: 'Ada', extra: 1 }).success).toBe(false);
    expect(made).toBe(1);
  });

  it('stands in for the schema wherever zod takes one: composed, optional, unions, extended', () => {
    const id = lazySchema(() => z.number().check(z.int()));
    const maybe = lazySchema(() => z.optional(z.string()));
    const ref = lazySchema(() => z.strictObject({ type: z.literal('person'), id }));
    const list = lazySchema(() => z.strictObject({ refs: z.array(ref), note: maybe }));
    expect(list.parse({ refs: [{ type: 'person', id: 3 }] })).toEqual({ refs: [{ type: 'person', id: 3 }] });
    expect(list.safeParse({ refs: [{ type: 'person', id: 3.5 }] }).success).toBe(false);
    // An optional stays optional through the stand-in (zod reads `_zod.optin` through it)...
    expect('note' in list.parse({ refs: [] })).toBe(false);
    // ...and checks its value when there is one.
    expect(list.safeParse({ refs: [], note: 7 }).success).toBe(false);
    const either = z.discriminatedUnion('type', [ref, z.strictObject({ type: z.literal('company') })]);
    expect(either.parse({ type: 'company' })).toEqual({ type: 'company' });
    expect(either.safeParse({ type: 'person' }).success).toBe(false);
    const more = z.extend(ref, { name: z.string() });
    expect(more.parse({ type: 'person', id: 1, name: 'x' })).toEqual({ type: 'person', id: 1, name: 'x' });
    expect(ref.def.shape.id).toBe(id);
    const bare = z.omit(ref, { id: true });
    expect(bare.parse({ type: 'person' })).toEqual({ type: 'person' });
    expect(z.keyof(ref).options).toEqual(['type', 'id']);
  });

  it('tries again after a make that threw, and says so when a schema reads itself as it is made', () => {
    let tries = 0;
    const flaky = lazySchema(() => {
      tries += 1;
      if (tries === 1) throw new Error('not yet');
      return z.string();
    });
    expect(() => flaky.parse('a')).toThrow('not yet');
    expect(flaky.parse('a')).toBe('a');
    const selfish: z.ZodMiniString = lazySchema(() => selfish.check(z.minLength(1)));
    expect(() => selfish.parse('a')).toThrow('reads itself');
  });

  it('cannot be frozen, and takes no fixed property, instead of breaking later', () => {
    const text = lazySchema(() => z.string());
    expect(() => Object.freeze(text)).toThrow(TypeError);
    expect(() => Object.defineProperty(text, 'x', { value: 1, configurable: false })).toThrow(TypeError);
    expect(Object.keys(text).length).toBeGreaterThan(0);
    expect(text.parse('still works')).toBe('still works');
  });

  it('answers as the schema does to instanceof, `in` and its own keys', () => {
    const made = z.string();
    const text = lazySchema(() => made);
    expect(text instanceof z.ZodMiniString).toBe(true);
    expect(text instanceof z.ZodMiniNumber).toBe(false);
    expect('_zod' in text).toBe(true);
    expect(Object.keys(text)).toEqual(Object.keys(made));
    expect(Object.getPrototypeOf(text)).toBe(Object.getPrototypeOf(made));
  });
});
