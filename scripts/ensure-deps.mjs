// Installs dependencies when node_modules is missing or older than package.json / package-lock.json.
// Node built-ins only: this runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

export function ensureDeps() {
  const marker = 'node_modules/.package-lock.json';
  const stale =
    !existsSync(marker) || Math.max(mtime('package.json'), mtime('package-lock.json')) > mtime(marker);
  if (!stale) return;
  const args = existsSync('package-lock.json')
    ? ['ci', '--no-audit', '--no-fund']
    : ['install', '--no-audit', '--no-fund'];
  console.log(`[threadline] installing dependencies: npm ${args.join(' ')}`);
  const result = spawnSync('npm', args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      '[threadline] npm could not install the dependencies (see above). Check your connection to the npm registry.',
    );
    process.exit(result.status ?? 1);
  }
}
