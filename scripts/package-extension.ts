/**
 * `npm run package`: a store-ready zip of the production build, then the check below
 * (`npm run package -- --sourcemap` includes source maps, for a build you keep, not the store).
 * `npm run package:check -- <zip>`: checks a package (exit 1 with the reasons if it fails).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import pkg from '../package.json' with { type: 'json' };

const DEV_REFERENCES = /localhost:5173|@vite\/client|\/@crx\/|__vite_ping/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

interface ManifestShape {
  manifest_version: number;
  version: string;
  key?: string;
  icons?: Record<string, string>;
  background?: { service_worker?: string };
  content_scripts?: { js?: string[] }[];
  options_ui?: { page?: string };
  web_accessible_resources?: { resources: string[] }[];
  storage?: { managed_schema?: string };
}

/** Problems with a package, or an empty list. Source maps are refused unless `allowSourceMaps`. */
export function checkPackage(zip: Uint8Array, options: { allowSourceMaps?: boolean } = {}): string[] {
  const files = unzipSync(zip);
  const names = Object.keys(files);
  const problems: string[] = [];
  const manifestBytes = files['manifest.json'];
  if (!manifestBytes) return ['manifest.json is not at the root of the zip'];
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as ManifestShape;
  if (manifest.manifest_version !== 3) problems.push('not a Manifest V3 extension');
  if (manifest.version !== pkg.version)
    problems.push(`manifest version ${manifest.version} is not package.json's ${pkg.version}`);
  if (manifest.key) problems.push('the manifest has a "key" (the store assigns the id)');
  const referenced = [
    ...Object.values(manifest.icons ?? {}),
    manifest.background?.service_worker,
    ...(manifest.content_scripts ?? []).flatMap((c) => c.js ?? []),
    manifest.options_ui?.page,
    manifest.storage?.managed_schema,
    ...(manifest.web_accessible_resources ?? []).flatMap((w) => w.resources),
    'pageWorld.js',
  ].filter((f): f is string => typeof f === 'string');
  for (const file of referenced) if (!files[file]) problems.push(`${file} is referenced but missing`);
  for (const name of names) {
    if (name.endsWith('.map') && !options.allowSourceMaps)
      problems.push(`${name}: source maps are not shipped`);
    if (/\.(js|html|json|css)$/.test(name) && DEV_REFERENCES.test(new TextDecoder().decode(files[name]))) {
      if (name !== 'pageWorld.js') problems.push(`${name}: refers to the development server`);
    }
    if (
      name.includes('gmail-double') ||
      new TextDecoder().decode(files[name]).includes('threadline-gmail-double')
    ) {
      problems.push(`${name}: contains the test-only Gmail double`);
    }
  }
  return problems;
}

function build(sourceMaps: boolean): string {
  const args = ['build', '--logLevel', 'warn', ...(sourceMaps ? ['--sourcemap'] : [])];
  execFileSync('node_modules/.bin/vite', args, { stdio: 'inherit' });
  const entries: Record<string, Uint8Array> = {};
  for (const file of filesUnder('dist')) entries[relative('dist', file)] = new Uint8Array(readFileSync(file));
  const out = `threadline-${pkg.version}.zip`;
  writeFileSync(out, zipSync(entries, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const sourceMaps = args.includes('--sourcemap');
  const [command, path] = args.filter((a) => !a.startsWith('--'));
  const zipPath = command === 'check' ? (path ?? `threadline-${pkg.version}.zip`) : build(sourceMaps);
  const problems = checkPackage(new Uint8Array(readFileSync(zipPath)), { allowSourceMaps: sourceMaps });
  if (problems.length > 0) {
    console.error(`${zipPath} FAILED the package check:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log(`${zipPath}: package check passed (${(statSync(zipPath).size / 1024).toFixed(0)} kB)`);
}
