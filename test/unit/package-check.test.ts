import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { checkPackage } from '../../scripts/package-extension';

const text = (s: string) => new TextEncoder().encode(s);
const manifest = (extra: object = {}) =>
  text(
    JSON.stringify({
      manifest_version: 3,
      version: pkg.version,
      icons: { '16': 'icons/icon-16.png' },
      background: { service_worker: 'sw.js' },
      content_scripts: [{ js: ['cs.js'] }],
      options_ui: { page: 'src/options/index.html' },
      storage: { managed_schema: 'managed_schema.json' },
      ...extra,
    }),
  );
const good = (): Record<string, Uint8Array> => ({
  'manifest.json': manifest(),
  'icons/icon-16.png': new Uint8Array([1]),
  'sw.js': text('self;'),
  'cs.js': text('1;'),
  'src/options/index.html': text('<html></html>'),
  'managed_schema.json': text('{}'),
  'pageWorld.js': text('1;'),
});

describe('package check', () => {
  it('passes a complete production package', () => {
    expect(checkPackage(zipSync(good()))).toEqual([]);
  });

  it('accepts source maps only when asked to', () => {
    const files = { ...good(), 'cs.js.map': text('{}') };
    expect(checkPackage(zipSync(files), { allowSourceMaps: true })).toEqual([]);
    expect(checkPackage(zipSync(files))).toEqual(['cs.js.map: source maps are not shipped']);
  });

  it.each([
    [
      'manifest not at the root',
      (f: Record<string, Uint8Array>) => {
        f['dist/manifest.json'] = f['manifest.json'] as Uint8Array;
        delete f['manifest.json'];
      },
      /not at the root/,
    ],
    [
      'a version other than package.json’s',
      (f: Record<string, Uint8Array>) => {
        f['manifest.json'] = manifest({ version: '9.9.9' });
      },
      /is not package.json/,
    ],
    [
      'a fixed key',
      (f: Record<string, Uint8Array>) => {
        f['manifest.json'] = manifest({ key: 'abc' });
      },
      /"key"/,
    ],
    [
      'a missing referenced file',
      (f: Record<string, Uint8Array>) => {
        delete f['sw.js'];
      },
      /sw.js is referenced but missing/,
    ],
    [
      'source maps',
      (f: Record<string, Uint8Array>) => {
        f['cs.js.map'] = text('{}');
      },
      /source maps/,
    ],
    [
      'a dev-server reference',
      (f: Record<string, Uint8Array>) => {
        f['cs.js'] = text('import "http://localhost:5173/@vite/client";');
      },
      /development server/,
    ],
    [
      'the Gmail double',
      (f: Record<string, Uint8Array>) => {
        f['assets/x.js'] = text('document.documentElement.dataset.gmailDouble = "threadline-gmail-double"');
      },
      /Gmail double/,
    ],
    [
      'no pageWorld.js',
      (f: Record<string, Uint8Array>) => {
        delete f['pageWorld.js'];
      },
      /pageWorld.js/,
    ],
  ])('fails a package with %s', (_label, spoil, message) => {
    const files = good();
    spoil(files);
    expect(checkPackage(zipSync(files)).join('\n')).toMatch(message);
  });
});
