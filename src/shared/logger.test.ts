import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, DEBUG_SWITCH, errorName, logFailure, redact } from './logger';

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

  it('names a caught error by its kind only, never by its message', () => {
    const error = new TypeError('alice@acme.test is not a function');
    expect(errorName(error)).toBe('TypeError');
    expect(errorName(new DOMException('quota', 'QuotaExceededError'))).toBe('QuotaExceededError');
    expect(errorName('alice@acme.test')).toBe('unknown');
    expect(errorName(undefined)).toBe('unknown');
    const { lines, logger } = capture();
    logFailure(logger.warn, 'tabState.writeFailed')(new TypeError('alice@acme.test'));
    expect(lines).toEqual(['[threadline:test] tabState.writeFailed {"error":"TypeError"}']);
  });

  describe('on the console', () => {
    const globals = globalThis as Record<string, unknown>;
    afterEach(() => {
      delete globals[DEBUG_SWITCH];
      vi.restoreAllMocks();
    });

    it('writes debug lines only once they are switched on; other levels always', () => {
      const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
      const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
      const logger = createLogger('test');
      logger.debug('message.secondCopy', { type: 'threadOpened' });
      logger.info('sync.done');
      expect(debug).not.toHaveBeenCalled();
      expect(info).toHaveBeenCalledWith('[threadline:test] sync.done');
      globals[DEBUG_SWITCH] = true;
      logger.debug('message.secondCopy', { type: 'threadOpened' });
      expect(debug).toHaveBeenCalledWith('[threadline:test] message.secondCopy {"type":"threadOpened"}');
    });

    it('gives a sink of its own every level, switch or not', () => {
      const { lines, logger } = capture();
      logger.debug('autolog.done', { queued: 0 });
      expect(lines).toEqual(['[threadline:test] autolog.done {"queued":0}']);
    });
  });
});
