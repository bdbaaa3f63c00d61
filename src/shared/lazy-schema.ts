/**
 * A schema made when first used, not when its file loads.
 *
 * Every context loads the shared schema files (a woken worker, each Gmail tab's content script,
 * each sidebar) and uses a few of their schemas, while making a zod schema is work: each one and
 * each of its parts is an object set up property by property. Made at load, the schemas of
 * shared/ and crm/ were about two thirds of the worker's module evaluation (12.7 against 3.7 ms
 * per evaluation of the built worker script with its code cache, in Node, median of 29), all of it
 * before a woken worker can take the message that woke it.
 *
 * The value stands for the schema itself (its type is the schema's), so it is used, composed and
 * inferred as the schema: the first property read makes it, once. Only a proxy can stand in like
 * that; zod reads `_zod` and the methods through it. Two differences, neither used here: methods
 * that return their schema (`register`, `brand`) return the schema made, not this stand-in; and it
 * cannot be frozen or sealed.
 *
 * The bundler keeps a wrapped schema nothing uses as a bare call (a proxy made at load, nothing
 * else): it did not drop one marked `@__NO_SIDE_EFFECTS__` or `@__PURE__` (Vite 8, Rolldown).
 */
export function lazySchema<T extends object>(make: () => T): T {
  let made: T | undefined;
  let making = false;
  const real = (): T => {
    if (made) return made;
    if (making) throw new Error('lazySchema: the schema reads itself while it is being made');
    making = true;
    try {
      made = make();
    } finally {
      making = false;
    }
    return made;
  };
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(real(), key),
    has: (_target, key) => Reflect.has(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    // A fixed property could not be reported by this proxy (its empty target lacks it): refused.
    defineProperty: (_target, key, descriptor) =>
      descriptor.configurable !== false && Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    // Said configurable: a proxy may not report a fixed property its own (empty) target lacks.
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    // Freezing the empty target would leave the proxy unable to report the schema's properties.
    preventExtensions: () => false,
  });
}
