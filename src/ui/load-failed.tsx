import { t } from './i18n';

/**
 * A data load that failed (issue 12): the reason in plain words and a way to ask again, never an
 * endless "Loading…".
 */
export function LoadFailed({
  error,
  retry,
  testId,
  retryTestId,
}: {
  error: string;
  retry: () => void;
  testId: string;
  retryTestId?: string;
}) {
  return (
    <div data-testid={testId}>
      <p role="alert" class="error-text">
        {error}
      </p>
      <button type="button" onClick={retry} data-testid={retryTestId}>
        {t('tryAgain')}
      </button>
    </div>
  );
}
