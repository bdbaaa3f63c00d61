import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? walk(path) : [path];
  });
}
const sources = walk('src').filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f));
const read = (f: string): string => readFileSync(join(ROOT, f), 'utf8');

describe('project structure (CONVENTIONS.md)', () => {
  it('lists every sidebar feature folder in the registry and in the README, and nothing else', () => {
    const folders = readdirSync(join(ROOT, 'src/sidebar/features')).filter((n) =>
      statSync(join(ROOT, 'src/sidebar/features', n)).isDirectory(),
    );
    // Read from the source: importing the registry would load the pages' browser APIs.
    const ids = [...read('src/sidebar/features/registry.ts').matchAll(/\{ id: '([a-z0-9-]+)'/g)].map(
      (m) => m[1] ?? '',
    );
    expect(ids.length).toBeGreaterThan(0);
    expect([...ids].sort()).toEqual([...folders].sort());
    const readme = read('README.md');
    const section = readme.slice(
      readme.indexOf('## Features'),
      readme.indexOf('\n## ', readme.indexOf('## Features') + 3),
    );
    for (const id of ids) expect(section, `README ## Features lists ${id}`).toContain(`\`${id}\``);
  });

  it('names every file in kebab-case', () => {
    const all = [...walk('src'), ...walk('test').filter((f) => !f.includes('results'))];
    const bad = all.filter((f) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*$/.test(f.split('/').pop() ?? ''));
    expect(bad).toEqual([]);
  });

  it('performs network I/O only in src/background/privacy/egress', () => {
    const offenders = sources.filter(
      (f) =>
        !f.startsWith('src/background/privacy/egress') &&
        /\b(fetch|XMLHttpRequest|WebSocket|EventSource)\s*\(|sendBeacon\s*\(|new\s+(XMLHttpRequest|WebSocket|EventSource)\b/.test(
          read(f),
        ),
    );
    expect(offenders).toEqual([]);
  });

  it('imports @inboxsdk/core only from the production Gmail host', () => {
    const importers = sources.filter((f) => /from\s+['"]@inboxsdk\/core/.test(read(f)));
    expect(importers).toEqual(['src/content/gmail-host/inboxsdk-host.ts']);
  });

  it('renders no data as HTML', () => {
    const offenders = sources.filter((f) =>
      /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML|document\.write/.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });

  // Issue 12: every file of the worker, tests included, stays small enough to read as one thing.
  it('keeps every file in src/background at 400 lines or fewer', () => {
    const long = walk('src/background').flatMap((f) => {
      const lines = read(f).split('\n').length - 1; // as `wc -l` counts them
      return lines > 400 ? [`${f}: ${lines} lines`] : [];
    });
    expect(long).toEqual([]);
  });

  // Issue 12: main.ts is the composition root: it wires the parts and holds none of their bodies.
  it('keeps src/background/main.ts at 150 lines or fewer', () => {
    expect(read('src/background/main.ts').split('\n').length - 1).toBeLessThanOrEqual(150);
  });

  // Issue 12: another CRM is one adapter folder; the rest of the worker asks the registry. Copper's
  // headers (`X-PW-AccessToken`, `X-PW-TOTAL`…) count as naming it.
  it('names Copper in src/background only in crm/copper/ and the CRM registry', () => {
    const offenders = walk('src/background').filter(
      (f) =>
        !f.startsWith('src/background/crm/copper/') &&
        f !== 'src/background/crm/crm-registry.ts' &&
        /copper|\bx-pw-/i.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });

  // Issue 12: alarms in one file (their names, when they are set, what they run).
  it('sets and handles alarms only in src/background/alarms.ts', () => {
    const offenders = sources.filter(
      (f) =>
        f !== 'src/background/alarms.ts' &&
        f !== 'src/background/platform.ts' && // the browser API behind Platform['alarms']
        /alarms\.(create|get|clear)\(|onAlarm\.addListener|\bcreateAlarm\b/.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps every lint suppression justified', () => {
    const files = [...sources, ...walk('test').filter((f) => /\.tsx?$/.test(f))];
    const unjustified = files.flatMap((f) =>
      read(f)
        .split('\n')
        .filter((line) => line.includes('biome-ignore') && !line.includes('-- reason:'))
        .map((line) => `${relative(ROOT, join(ROOT, f))}: ${line.trim()}`),
    );
    expect(unjustified).toEqual([]);
  });

  it('makes no zod schema when a file loads: a top-level schema is a lazySchema (CONTRIBUTING.md)', () => {
    // A zod call outside any function runs when the file loads, in every context that imports it
    // (a woken worker before it can take its message). Inside a function, `lazySchema` included,
    // it runs at first use.
    const eager = sources.flatMap((f) => {
      const file = ts.createSourceFile(f, read(f), ts.ScriptTarget.Latest, true);
      const found: string[] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node)) return;
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          ts.isIdentifier(node.expression.expression) &&
          node.expression.expression.text === 'z'
        ) {
          found.push(`${f}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
          return;
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
      return found;
    });
    expect(sources.filter((f) => read(f).includes("from 'zod/mini'")).length).toBeGreaterThan(10);
    expect(eager).toEqual([]);
  });

  it('makes no zod schema when the schema files load, whatever builds it (helpers, property reads)', async () => {
    // zod hands every schema it makes to this hook (zod/v4/core: `$constructor`): counting them
    // while the files load catches what the written-form check above cannot see.
    const config = globalThis as { __zod_globalConfig?: { postProcessor?: (schema: unknown) => void } };
    const before = config.__zod_globalConfig;
    let made = 0;
    config.__zod_globalConfig = {
      ...before,
      postProcessor: () => {
        made += 1;
      },
    };
    try {
      const files = sources.filter((f) => read(f).includes("from 'zod/mini'"));
      const loaded = await Promise.all(files.map((f) => import(/* @vite-ignore */ join(ROOT, f))));
      expect(made, 'zod schemas made while the files loaded').toBe(0);
      // The count sees schemas: one made now, at first use, is counted.
      const protocol = loaded[
        files.indexOf('src/shared/protocol.ts')
      ] as typeof import('../../src/shared/protocol');
      protocol.participantSchema.parse({ name: 'Ada', address: 'ada@example.com' });
      expect(made).toBeGreaterThan(0);
      // Made at first use, a schema zod refuses to make (a bad pick, a union it cannot tell apart)
      // would throw only then: every exported one is made here (in plain objects too, as POLICY_KEYS).
      let schemas = 0;
      const makeAll = (value: unknown, depth: number): void => {
        if (typeof value !== 'object' || value === null || depth > 3) return;
        if ('_zod' in value) {
          expect((value as { _zod: { def: unknown } })._zod.def).toBeDefined();
          schemas += 1;
          return;
        }
        for (const inner of Object.values(value)) makeAll(inner, depth + 1);
      };
      for (const module of loaded) makeAll(module, 0);
      expect(schemas).toBeGreaterThan(80);
    } finally {
      if (before) config.__zod_globalConfig = before;
      else delete config.__zod_globalConfig;
    }
  });
});
