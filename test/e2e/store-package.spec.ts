import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import pkg from '../../package.json' with { type: 'json' };
import { checkPackage } from '../../scripts/package-extension';
import { expect, extensionWorker, launchWithExtension, test } from './fixtures';

// biome-ignore lint/correctness/noEmptyPattern: -- reason: Playwright fixtures are declared by destructuring; this test needs none
test('npm run package makes a zip that passes its check and loads in Chromium without errors', async ({}, testInfo) => {
  test.setTimeout(120_000);
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/package-extension.ts'], { stdio: 'pipe' });
  const zip = new Uint8Array(readFileSync(`threadline-${pkg.version}.zip`));
  expect(checkPackage(zip)).toEqual([]);

  const dir = testInfo.outputPath('unzipped');
  for (const [name, bytes] of Object.entries(unzipSync(zip))) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  const context = await launchWithExtension(testInfo.outputPath('profile'), dir);
  try {
    const worker = await extensionWorker(context);
    const id = new URL(worker.url()).host;
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`chrome-extension://${id}/src/options/index.html`);
    await expect(page.getByRole('heading', { name: 'Connection', level: 2 })).toBeVisible();
    await expect(page.getByTestId('crm-key')).toBeVisible();
    await page.goto(`chrome-extension://${id}/src/welcome/index.html`);
    await expect(page.getByRole('heading', { name: 'Welcome to Threadline' })).toBeVisible();
    await page.goto(`chrome-extension://${id}/src/sidebar/index.html`);
    await expect(page.getByRole('heading', { name: 'Threadline' })).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
