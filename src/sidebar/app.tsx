import { t } from '../ui/i18n';
import { sidebarFeatures } from './features/registry';
import { useSidebarStore } from './use-sidebar-store';

function Skeleton() {
  return (
    <div class="skeleton" aria-hidden="true" data-testid="loading">
      <div class="bar wide" />
      <div class="bar" />
      <div class="row" />
      <div class="row" />
    </div>
  );
}

/**
 * The benchmark's messaging floor lands here (connect-worker.ts): a component of its own, so a pong
 * renders this span alone, not the whole sidebar (which would put our render in the floor).
 */
function BenchPong() {
  const pong = useSidebarStore((s) => s.pong);
  return pong === null ? null : <span hidden data-testid="bench-pong" data-seq={pong} />;
}

export function App({ onRetry }: { onRetry: () => void }) {
  // A routine worker restart is not shown (store.ts): nothing here renders again for it.
  const connection = useSidebarStore((s) => (s.connection === 'restarting' ? 'connected' : s.connection));
  const hasState = useSidebarStore((s) => s.thread !== null);
  return (
    <main class="sidebar" aria-busy={connection === 'connecting'}>
      <header class="brand">
        <h1>{t('appTitle')}</h1>
      </header>
      <div role="status" aria-live="polite" class="status">
        {connection === 'reconnecting' && <p class="notice">{t('reconnecting')}</p>}
      </div>
      {connection === 'unreachable' ? (
        <section role="alert" class="error" data-testid="unreachable">
          <h2>{t('unreachableTitle')}</h2>
          <p>{t('unreachableText')}</p>
          <button type="button" onClick={onRetry}>
            {t('tryAgain')}
          </button>
        </section>
      ) : hasState ? (
        sidebarFeatures.map(({ id, Component }) => <Component key={id} />)
      ) : (
        <Skeleton />
      )}
      <BenchPong />
    </main>
  );
}
