import { describe, expect, it } from 'vitest';
import { createLogger, redact } from './logger';

describe('the logger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger('test', (_level, line) => lines.push(line)) };
  };

  it('drops content fields whatever their value', () => {
    const { lines, logger } = capture();
    logger.warn('log.failed', { subject: 'Secret deal', body: 'hello', count: 3, apiKey: 'x' });
    expect(lines[0]).toBe(
      '[threadline:test] log.failed {"subject":"[redacted]","body":"[redacted]","count":3,"apiKey":"[redacted]"}',
    );
  });

  it('masks addresses, tokens, card numbers and SSNs anywhere', () => {
    const { lines, logger } = capture();
    logger.error('failed for alice.doe@acme.test with 4111 1111 1111 1111 and 123-45-6789', {
      kind: 'Bearer abcdefghijklmnopqrstuvwxyz0123456789',
    });
    expect(lines[0]).not.toMatch(/alice|4111|6789|abcdefghij/);
    expect(lines[0]).toContain('[email]');
    expect(lines[0]).toContain('[card]');
    expect(lines[0]).toContain('[ssn]');
    expect(lines[0]).toContain('[token]');
  });

  it('leaves ordinary events alone', () => {
    expect(redact('sync.done {"entity":"people","fetched":200}')).toBe(
      'sync.done {"entity":"people","fetched":200}',
    );
  });
});
