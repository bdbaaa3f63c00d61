// Installs dependencies when node_modules is missing or was installed for other dependencies than
// package.json (the root's and its workspaces', e.g. server/) and package-lock.json now name. Node built-ins only: this runs before any install.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const STAMP = 'node_modules/.threadline-deps';

const readPackage = (dir) => JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));

function wantedStamp() {
  const pkg = readPackage('.');
  const relevant = [pkg.dependencies, pkg.devDependencies, pkg.overrides, pkg.allowScripts];
  // Workspace packages (server/) have their own dependencies; one install at the root covers them.
  for (const dir of pkg.workspaces ?? []) {
    const ws = readPackage(dir);
    relevant.push(dir, ws.dependencies, ws.devDependencies);
  }
  const lock = existsSync('package-lock.json') ? readFileSync('package-lock.json', 'utf8') : '';
  return createHash('sha256').update(JSON.stringify(relevant)).update(lock).digest('hex');
}

export function ensureDeps() {
  const wanted = wantedStamp();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return;
  // CI installs exactly the lockfile; a developer's checkout may have just changed package.json.
  const exact = process.env.CI === 'true' && existsSync('package-lock.json');
  const args = [exact ? 'ci' : 'install', '--no-audit', '--no-fund'];
  console.log(`[threadline] installing dependencies: npm ${args.join(' ')}`);
  const result = spawnSync('npm', args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      '[threadline] npm could not install the dependencies (see above). Check your connection to the npm registry.',
    );
    process.exit(result.status ?? 1);
  }
  // `npm install` may have rewritten the lockfile: stamp what is installed now.
  writeFileSync(STAMP, wantedStamp());
}
