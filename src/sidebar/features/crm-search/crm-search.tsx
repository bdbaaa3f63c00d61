import { useEffect, useRef, useState } from 'preact/hooks';
import type { SearchResult } from '../../../shared/protocol';
import { t } from '../../../ui/i18n';
import { ask } from '../../sidebar-api';
import { useSidebarStore } from '../../use-sidebar-store';

const KIND_LABEL: Record<SearchResult['kind'], () => string> = {
  person: () => t('kindPerson'),
  company: () => t('kindCompany'),
  lead: () => t('kindLead'),
  opportunity: () => t('kindDeal'),
};

/** Finds cached people, companies, leads and deals by name, address or domain as you type; `/` focuses it. */
export function CrmSearch() {
  const account = useSidebarStore((s) => s.thread?.account ?? null);
  const connected = useSidebarStore((s) => s.status !== null && s.status.health !== 'notConnected');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [failed, setFailed] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const focusSeq = useSidebarStore((s) => s.focusSearchSeq);
  useEffect(() => {
    if (focusSeq > 0) input.current?.focus();
  }, [focusSeq]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing =
        target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      if (event.key === '/' && !typing) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!account || query.trim().length < 2) {
      setResults(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void ask('searchCrm', { account, query }).then(
        (answer) => {
          if (!live) return;
          setFailed(false);
          setResults(answer.results);
        },
        () => {
          // Said plainly, never a search that silently shows nothing.
          if (live) setFailed(true);
        },
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [account, query]);

  if (!account || !connected) return null;
  return (
    <search class="search" aria-label={t('searchLabel')}>
      <input
        ref={input}
        type="search"
        placeholder={t('searchPlaceholder')}
        aria-label={t('searchInputLabel')}
        value={query}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setQuery('');
        }}
        data-testid="crm-search"
      />
      {failed && (
        <p role="alert" class="error-text" data-testid="search-failed">
          {t('noAnswer')}
        </p>
      )}
      {results !== null && (
        <ul class="results" aria-live="polite" data-testid="search-results">
          {results.length === 0 ? (
            <li class="muted">{t('searchNoMatches')}</li>
          ) : (
            results.map((r) => (
              <li key={`${r.kind}:${r.id}`} class="result">
                <span class="chip">{KIND_LABEL[r.kind]()}</span>
                <span class="result-text">
                  <span class="result-title" dir="auto" title={r.title}>
                    {r.title}
                  </span>
                  <span class="result-sub" title={r.subtitle}>
                    {r.subtitle}
                  </span>
                </span>
              </li>
            ))
          )}
        </ul>
      )}
    </search>
  );
}
