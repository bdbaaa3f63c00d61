/**
 * e2e builds only (`npm run bench`): the page sets `data-threadline-ping` and dispatches
 * `threadline-bench-ping`; the content script sends `benchPing` the way it sends a thread open.
 * The attribute carries the number, since an event's detail does not cross from the page's world.
 */
export const BENCH_PING_EVENT = 'threadline-bench-ping';

export function listenForBenchPing(send: (seq: number) => void): void {
  window.addEventListener(BENCH_PING_EVENT, () => {
    const seq = Number(document.documentElement.dataset.threadlinePing);
    if (Number.isSafeInteger(seq) && seq >= 0) send(seq);
  });
}
