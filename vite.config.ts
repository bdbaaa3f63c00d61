import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { build, defineConfig, type Plugin, type ResolvedConfig } from 'vite';
import baseManifest from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };
import e2eKey from './test/e2e/extension-key.json' with { type: 'json' };

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * InboxSDK's content script asks the worker to run `pageWorld.js` in Gmail's main world; the file
 * must sit, unhashed, at the root of the built extension (reference/inboxsdk.md).
 */
function inboxSdkPageWorld(): Plugin {
  return {
    name: 'threadline:inboxsdk-page-world',
    apply: 'build',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'pageWorld.js',
        source: readFileSync(`${root}node_modules/@inboxsdk/core/pageWorld.js`),
      });
    },
  };
}

/**
 * Every script Threadline builds is ASCII, non-ASCII characters written as `\u` escapes. A script
 * with even one non-ASCII character is decoded and held by Chromium as UTF-16: the worker's ten
 * (`·`, `—`, Dexie's `\uffff`) made its 310 KB take 9.9 ms to decode at every worker start, against
 * 1.1 ms as ASCII (median of 12 starts each, from a Chromium trace's `TextResourceDecoder::Decode`).
 * Over 120 woken-worker opens each, first card p50 / p95 went from 105.4 / 140.6 to 101.9 / 132.2
 * ms. The content script's InboxSDK chunk (about 1 MB) and the sidebar are decoded at each page
 * load too. (InboxSDK's pageWorld.js is copied as InboxSDK ships it.)
 */
const ASCII_OUTPUT = { charset: 'ascii' } as const;

/**
 * The e2e build's worker notes when its first statement ran (on the wall clock the pages use): the
 * bench splits a woken worker's time at it, into Chromium loading the script (top-level parse, or
 * its code cache) and our code. Not in the production build.
 */
const E2E_SCRIPT_STARTED = 'self.__threadlineScriptStartedAt=performance.timeOrigin+performance.now();';

/** The worker's file in the built extension: one classic script (classicServiceWorker). */
export const SERVICE_WORKER_FILE = 'service-worker.js';

/**
 * The worker as ONE classic script, not @crxjs's module loader importing shared chunks. A cold
 * worker reaches its first card sooner that way: on this machine (2,000 people, 40 cold opens each,
 * the two builds side by side) p50 120.6 → 98.8 ms and p95 169.1 → 129.5 ms. Single bench runs vary
 * about as much, so the bench alone does not show it. Chromium's reason is not documented in our
 * references (unconfirmed: a classic script's code cache, or the module graph's extra loads). The
 * worker never uses dynamic import() (a service worker may not), so one file loses nothing. After
 * the build: the loader's one import is bundled (with everything it imports) into
 * SERVICE_WORKER_FILE, the manifest names it without `"type": "module"`, and the loader and the
 * entry chunk nothing else uses are removed, with their source maps.
 */
function classicServiceWorker(): Plugin {
  let config: ResolvedConfig | null = null;
  return {
    name: 'threadline:classic-service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      if (!config) return;
      const dir = resolve(config.root, config.build.outDir);
      const manifestPath = join(dir, 'manifest.json');
      if (!existsSync(manifestPath)) return; // the build failed before writing
      const built = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        background?: { service_worker?: string; type?: string };
      };
      const loaderName = built.background?.service_worker;
      if (!loaderName || loaderName === SERVICE_WORKER_FILE) return;
      const loader = readFileSync(join(dir, loaderName), 'utf8').trim();
      const only = /^import\s*['"]\.\/([^'"]+)['"];?$/.exec(loader);
      if (!only?.[1]) throw new Error(`unexpected worker loader ${loaderName}: ${loader.slice(0, 200)}`);
      const entry = only[1];
      await build({
        configFile: false,
        mode: config.mode,
        logLevel: 'warn',
        build: {
          outDir: dir,
          emptyOutDir: false,
          minify: true,
          target: 'chrome116',
          copyPublicDir: false,
          // Source maps when the build makes them (`npm run package -- --sourcemap`).
          sourcemap: config.build.sourcemap,
          // Modules are strict; the one script stays so. The e2e build also notes when its first
          // statement ran, for the bench's woken-worker split (bench/run-bench.ts).
          rollupOptions: {
            output: {
              banner: config.mode === 'e2e' ? `'use strict';${E2E_SCRIPT_STARTED}` : "'use strict';",
              ...ASCII_OUTPUT,
            },
          },
          lib: {
            entry: join(dir, entry),
            formats: ['iife'],
            name: 'threadlineWorker',
            fileName: () => SERVICE_WORKER_FILE,
          },
        },
      });
      writeFileSync(
        manifestPath,
        `${JSON.stringify({ ...built, background: { service_worker: SERVICE_WORKER_FILE } }, null, 2)}\n`,
      );
      rmSync(join(dir, loaderName));
      rmSync(join(dir, `${loaderName}.map`), { force: true });
      // The entry chunk is the worker's own unless another built file names it.
      const entryPath = join(dir, entry);
      const entryName = basename(entry);
      const users = readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .map((f) => join(dir, f))
        .filter(
          (f) => /\.(js|json|html)$/.test(f) && f !== entryPath && f !== join(dir, SERVICE_WORKER_FILE),
        );
      if (!users.some((f) => readFileSync(f, 'utf8').includes(entryName))) {
        rmSync(entryPath);
        rmSync(`${entryPath}.map`, { force: true });
      }
    },
  };
}

/**
 * Modes:
 * - production (`vite build`): `dist/`, real InboxSDK.
 * - e2e (`vite build --mode e2e`): `dist-e2e/`, the InboxSDK adapter replaced by the Gmail double
 *   (test/gmail-double/). Only this alias differs; the double never reaches `dist/`.
 */
export default defineConfig(({ mode }) => {
  const e2e = mode === 'e2e';
  // The e2e build gets a fixed id (a public key) so policy files can name it; production has none.
  const manifest = {
    ...baseManifest,
    version: pkg.version,
    ...(e2e ? { key: e2eKey.key } : {}),
  } as ManifestV3Export;
  return {
    // No `react` → preact/compat alias: compat hooks every element created (props renamed the React
    // way), which cost each card's render about half a millisecond. A React import now does not
    // resolve, and production-build.spec.ts fails on the throwing script Vite builds for it.
    plugins: [
      preact({ reactAliasesEnabled: false }),
      crx({ manifest }),
      inboxSdkPageWorld(),
      classicServiceWorker(),
    ],
    resolve: {
      alias: e2e
        ? [
            {
              find: /^\.\/gmail-host\/inboxsdk-host$/,
              replacement: `${root}test/gmail-double/double-host.ts`,
            },
          ]
        : [],
    },
    build: {
      outDir: e2e ? 'dist-e2e' : 'dist',
      emptyOutDir: true,
      // InboxSDK is ~1 MB minified and deliberately its own lazily loaded chunk.
      chunkSizeWarningLimit: 1500,
      sourcemap: false,
      target: 'chrome116',
      rollupOptions: {
        input: { sidebar: 'src/sidebar/index.html', welcome: 'src/welcome/index.html' },
        output: ASCII_OUTPUT,
      },
    },
    // Vite's WebSocket token check stays on (it stops any web page from connecting to the dev
    // server and reading its messages): @crxjs/vite-plugin 3 puts the token in its worker client's
    // WebSocket URL, and lets chrome-extension:// origins through the dev server's CORS.
    server: { port: 5173, strictPort: true, hmr: { port: 5173 } },
  };
});
