/**
 * Gzip sizes of what each context loads from a built extension (default `dist/`):
 * the content script without InboxSDK, the InboxSDK chunk, the sidebar page, and the worker.
 * `npm run size` prints them; the production-build test asserts the split.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSizes {
  contentScript: { files: string[]; gzipBytes: number };
  inboxSdk: { files: string[]; gzipBytes: number };
  sidebarPage: { files: string[]; gzipBytes: number };
  worker: { files: string[]; gzipBytes: number };
}

const staticImports = (code: string): string[] =>
  [...code.matchAll(/(?:import|from)\s*["'](\.\/[^"']+\.js)["']/g)].map((m) => m[1] ?? '');

function closure(dist: string, entries: string[], skip: ReadonlySet<string> = new Set()): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift() ?? '';
    if (seen.has(file) || skip.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const rel of staticImports(readFileSync(join(dist, file), 'utf8')))
      queue.push(`${dir}${rel.slice(2)}`);
  }
  return [...seen];
}

const gzipBytes = (dist: string, files: string[]): number =>
  files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);

export function bundleSizes(dist = 'dist'): BundleSizes {
  const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as {
    content_scripts: { js: string[] }[];
    background: { service_worker: string };
  };
  const loader = manifest.content_scripts[0]?.js[0] ?? '';
  const loaderCode = readFileSync(join(dist, loader), 'utf8');
  const entry = /getURL\("([^"]+)"\)/.exec(loaderCode)?.[1] ?? '';
  const content = closure(dist, [loader, entry]);
  const entryCode = readFileSync(join(dist, entry), 'utf8');
  const sdkEntry = /"(assets\/inboxsdk-host-[^"]+\.js)"/.exec(entryCode)?.[1] ?? '';
  const sdk = sdkEntry ? closure(dist, [sdkEntry], new Set(content)) : [];
  const html = readFileSync(join(dist, 'src/sidebar/index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
  const sidebar = closure(dist, ['src/sidebar/index.html', ...assets]);
  const worker = closure(dist, [manifest.background.service_worker]);
  const part = (files: string[]) => ({ files, gzipBytes: gzipBytes(dist, files) });
  return {
    contentScript: part(content),
    inboxSdk: part(sdk),
    sidebarPage: part(sidebar),
    worker: part(worker),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = bundleSizes(process.argv[2] ?? 'dist');
  const rows = Object.entries(sizes).map(([name, s]) => ({
    bundle: name,
    'gzip kB': (s.gzipBytes / 1024).toFixed(1),
    files: s.files.length,
  }));
  console.table(rows);
  console.log(JSON.stringify(Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, v.gzipBytes]))));
}
