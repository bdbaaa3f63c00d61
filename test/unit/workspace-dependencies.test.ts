import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The extension's package.json lists what the extension ships (its runtime dependencies) plus the
// dev tooling; the CRM server is its own workspace package (server/package.json) with its own
// dependencies, so a server-only library never looks like part of the extension (issue 12).

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface PackageJson {
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const readPackage = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson;

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? walk(path) : [path];
  });
}

/** Package names imported (statically or dynamically) by the .ts/.tsx files under `dir`. */
function importedPackages(dir: string, { tests }: { tests: boolean }): Set<string> {
  const files = walk(dir).filter((f) => /\.tsx?$/.test(f) && (tests || !/\.test\.tsx?$/.test(f)));
  const names = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^'.][^']*)'/g)) {
      const specifier = m[1] ?? '';
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const parts = specifier.split('/');
      names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? ''));
    }
  }
  return names;
}

const root = readPackage('.');
const server = readPackage('server');

describe('workspace dependencies', () => {
  it('makes server/ a workspace package of the root', () => {
    expect(root.workspaces).toEqual(['server']);
  });

  it('lists in the root dependencies only what the extension imports', () => {
    const shipped = importedPackages('src', { tests: false });
    const unused = Object.keys(root.dependencies ?? {}).filter((name) => !shipped.has(name));
    expect(unused, 'root dependencies the extension does not import (server-only? move them)').toEqual([]);
  });

  it('lists every package the server imports in server/package.json', () => {
    const declared = new Set([
      ...Object.keys(server.dependencies ?? {}),
      ...Object.keys(server.devDependencies ?? {}),
    ]);
    const missing = [...importedPackages('server', { tests: true })].filter((name) => !declared.has(name));
    expect(missing).toEqual([]);
    const runtime = new Set(Object.keys(server.dependencies ?? {}));
    const runtimeMissing = [...importedPackages('server/src', { tests: false })].filter(
      (name) => !runtime.has(name),
    );
    expect(runtimeMissing, 'imported by server/src but not a runtime dependency').toEqual([]);
  });

  it('keeps the install-script policy at the root, where npm reads it', () => {
    expect(root.allowScripts?.['better-sqlite3']).toBe(true);
    expect(server).not.toHaveProperty('allowScripts');
  });
});
