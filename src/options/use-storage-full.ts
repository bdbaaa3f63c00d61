import { useEffect, useState } from 'preact/hooks';
import type { OptionsApi } from './options-api';

/** The settings page re-reads the status this often while open (ms), as the popup does. */
export const STORAGE_POLL_MS = 3000;

/**
 * Whether sync is paused for lack of storage for any Gmail account (issue 17), re-read every
 * `pollMs` after the previous answer (one request at a time) so the notice appears and clears while
 * the page is open. A failed read shows nothing: the page has its own errors to show.
 */
export function useStorageFull(api: Pick<OptionsApi, 'ask'>, pollMs = STORAGE_POLL_MS): boolean {
  const [full, setFull] = useState(false);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const overview = await api.ask('statusOverview', {});
        if (!stopped) setFull(overview.accounts.some((a) => a.status.storageFull === true));
      } catch {
        // The next read tries again.
      }
      if (!stopped) timer = setTimeout(() => void read(), pollMs);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, pollMs]);
  return full;
}
