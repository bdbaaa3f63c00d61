import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOCALES = join(ROOT, 'public/_locales');
type Catalog = Record<string, { message: string }>;
const catalog = (locale: string): Catalog =>
  JSON.parse(readFileSync(join(LOCALES, locale, 'messages.json'), 'utf8')) as Catalog;
const placeholders = (text: string) => [...text.matchAll(/\$(\d)/g)].map((m) => m[1]).sort();

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? walk(path) : [path];
  });
}

describe('locales (issue 8)', () => {
  const locales = readdirSync(LOCALES);
  const en = catalog('en');

  it('has English and a second complete locale', () => {
    expect(locales.sort()).toEqual(['de', 'en']);
  });

  it.each(locales)('%s has every key of en, no other, and the same $n placeholders', (locale) => {
    const other = catalog(locale);
    expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
    for (const [key, { message }] of Object.entries(en)) {
      expect(other[key]?.message.trim(), `${locale}:${key}`).not.toBe('');
      expect(placeholders(other[key]?.message ?? ''), `${locale}:${key}`).toEqual(placeholders(message));
      // Chrome reads "$1$" as a named placeholder and refuses to load the extension.
      expect(other[key]?.message, `${locale}:${key}`).not.toMatch(/\$\d\$|\$[A-Za-z_]+\$/);
    }
  });

  it('uses only valid message names, and every t("…") and __MSG_…__ names a message', () => {
    for (const key of Object.keys(en)) expect(key).toMatch(/^[A-Za-z0-9_@]+$/);
    const used = walk('src')
      .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts') && !f.endsWith('.test.tsx'))
      .flatMap((f) =>
        [...readFileSync(join(ROOT, f), 'utf8').matchAll(/\bt\(\s*'([A-Za-z0-9_]+)'/g)].map((m) => m[1]),
      );
    const manifest = readFileSync(join(ROOT, 'manifest.json'), 'utf8');
    used.push(...[...manifest.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)].map((m) => m[1]));
    expect(used.length).toBeGreaterThan(200);
    expect(used.filter((k) => k === undefined || !(k in en))).toEqual([]);
  });
});

/**
 * No user-facing text hard-coded in components: JSX text and the text-bearing attributes of every page
 * component must come from t(). (Names, addresses and other data are expressions, so they pass.)
 */
function hardCodedText(source: string): string[] {
  const found: string[] = [];
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line.trim()}`;
    // >Text< on one line, or an attribute that screen readers or users see, with a literal value.
    if (/(?<!=)>[^<>{}()=;]*[A-Za-z]{2,}[^<>{}()=;]*</.test(line)) found.push(where);
    if (/\b(aria-label|title|placeholder|alt|label|aria-description)="[^"]*[A-Za-z]/.test(line))
      found.push(where);
    // A line of bare words between tags (multi-line JSX text).
    const prev =
      lines
        .slice(0, i)
        .reverse()
        .find((l) => l.trim() !== '') ?? '';
    if (
      /^\s*[A-Za-z][^=;(){}<>`'"]*$/.test(line) &&
      /[>}]\s*$/.test(prev) &&
      !/^\s*(return|export|const|let|import|void|await|if|else|case|throw|new)\b/.test(line)
    )
      found.push(where);
  });
  return found;
}

describe('components hold no hard-coded user-facing text', () => {
  it('catches what it should (the scan itself)', () => {
    expect(hardCodedText('<p>Hello world</p>')).toHaveLength(1);
    expect(hardCodedText('<button aria-label="Close">')).toHaveLength(1);
    expect(hardCodedText('<p>\n  Saved to the CRM\n</p>')).toHaveLength(1);
    expect(hardCodedText("<p>{t('saved')}</p>")).toEqual([]);
    expect(hardCodedText('<span title={person.name}>{person.name}</span>')).toEqual([]);
  });

  const components = ['src/sidebar', 'src/options', 'src/popup', 'src/ui', 'src/welcome'].flatMap((d) =>
    walk(d).filter((f) => f.endsWith('.tsx') && !f.endsWith('.test.tsx')),
  );
  it.each(components)('%s', (file) => {
    expect(hardCodedText(readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });
});
