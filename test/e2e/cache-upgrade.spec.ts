import { chromium } from '@playwright/test';
import { build } from 'vite';
import { chromiumPath, expect, test } from './fixtures';

/**
 * Issue 17: the cache's record tables changed their primary key (version 5 to 8 copy every row out
 * and back). The unit tests run it on fake-indexeddb; this runs the same code on Chromium's own
 * IndexedDB, as a user's browser does when the extension updates over a cache of version 4.
 */
async function pageBundle(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: {
        entry: new URL('./pages/cache-upgrade-page.ts', import.meta.url).pathname,
        formats: ['iife'],
        name: 'cacheUpgradePage',
      },
    },
  });
  const first = (Array.isArray(output) ? output[0] : output) as { output: { type: string; code?: string }[] };
  const chunk = first.output.find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error('no page bundle');
  return chunk.code;
}

test('a version 4 cache opens in Chromium with every record moved to its new key, nothing lost', async () => {
  test.setTimeout(180_000);
  const code = await pageBundle();
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    // localhost is a secure context; the page is served from here, no network.
    await page.route('http://localhost:9/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>cache upgrade</title>' }),
    );
    await page.goto('http://localhost:9/');
    await page.addScriptTag({ content: code });
    // More people than one page of the move (2,000), and one of another account.
    const facts = await page.evaluate(
      (n) =>
        (globalThis as unknown as { cacheUpgrade(n: number): Promise<Record<string, unknown>> }).cacheUpgrade(
          n,
        ),
      4500,
    );
    expect(facts).toMatchObject({
      version: 8,
      keyPaths: {
        people: ['accountNo', 'id'],
        leads: ['accountNo', 'id'],
        companies: ['accountNo', 'id'],
        opportunities: ['accountNo', 'id'],
      },
      people: 4502,
      otherAccount: 'Person 1',
      pending: true,
      byAddress: [2],
      company: 78,
      lead: 'Abbigail Bode',
      dealsOfPerson: [5],
      countsB: 1,
      afterPurge: { people: 1, left: ['sam@other.test'] },
    });
    // The last person of the last page, field for field as it was written.
    expect(facts.last).toEqual(facts.lastAsWritten);
    expect((facts.stores as string[]).filter((s) => s.endsWith('Next'))).toEqual([]);
    console.log(`upgrade of 4,502 people: ${Math.round(facts.openMs as number)} ms`);
  } finally {
    await browser.close();
  }
});
