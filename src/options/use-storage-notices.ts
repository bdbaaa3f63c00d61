import { useEffect, useState } from 'preact/hooks';
import type { OptionsApi } from './options-api';

/** The settings page re-reads the status this often while open (ms), as the popup does. */
export const STORAGE_POLL_MS = 3000;

/**
 * Whether sync is paused for lack of storage for any Gmail account (issue 17), and whether the
 * browser lost Threadline's database, re-read every
 * `pollMs` after the previous answer (one request at a time) so the notice appears and clears while
 * the page is open. A failed read shows nothing: the page has its own errors to show.
 */
export function useStorageNotices(
  api: Pick<OptionsApi, 'ask'>,
  pollMs = STORAGE_POLL_MS,
): { full: boolean; lost: boolean; dismissLoss: () => Promise<{ ok: true }> } {
  const [full, setFull] = useState(false);
  // The browser lost Threadline's database (sync/cache-loss.ts): shown until dismissed.
  const [lost, setLost] = useState(false);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const overview = await api.ask('statusOverview', {});
        if (stopped) return;
        setFull(overview.accounts.some((a) => a.status.storageFull === true));
        setLost(overview.cacheLost === true);
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
  const dismissLoss = async () => {
    const answer = await api.ask('dismissCacheLoss', {});
    setLost(false);
    return answer;
  };
  return { full, lost, dismissLoss };
}
