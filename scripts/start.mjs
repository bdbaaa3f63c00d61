// `npm start`: installs if needed, builds the extension into dist/, and says how to load it.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureDeps } from './ensure-deps.mjs';

ensureDeps();
console.log('[threadline] building the extension into dist/ …');
const build = spawnSync('node_modules/.bin/vite', ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('[threadline] the build failed (see above).');
  process.exit(build.status ?? 1);
}
console.log(`
Threadline is built: ${resolve('dist')}

Load it in Chrome or Chromium:
  1. Open chrome://extensions
  2. Turn on "Developer mode" (top right)
  3. Click "Load unpacked" and choose the folder above
  4. Open https://mail.google.com and open any conversation: the Threadline panel lists its participants.
`);
