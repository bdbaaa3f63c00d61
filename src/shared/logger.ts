/**
 * The one logger of the extension. Log events and identifiers, never content. As a second line of
 * defence every line is redacted before it is written (Limited Use, "redaction"):
 * - fields whose names say they hold content (subject, body, address, token, …) are dropped to
 *   `[redacted]` whatever their value;
 * - e-mail addresses, long tokens, payment card numbers and SSNs are masked anywhere in a line.
 */
import { findCardsAndSsns } from './card-numbers';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export type LogSink = (level: LogLevel, line: string) => void;

/** What a log line may say about a caught error: its kind (`TypeError`), never its message. */
export const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown');

/** A rejection handler that logs `event` at the level of `log` (`logger.warn`, …) with the error's kind. */
export const logFailure =
  (log: (event: string, fields?: LogFields) => void, event: string) =>
  (error: unknown): void =>
    log(event, { error: errorName(error) });

const consoleSink: LogSink = (level, line) => {
  // biome-ignore lint/suspicious/noConsole: -- reason: this is the one place that writes to the console
  console[level](line);
};

/** The switch that lets debug lines reach the console: `self.threadlineDebug = true` in that context's console. */
export const DEBUG_SWITCH = 'threadlineDebug';

/**
 * Whether debug lines reach the console. Off unless switched on in the context's own console (or by a
 * test): a line written to the console is not free. Each crosses to the browser process, and to
 * DevTools when attached; the worker's two hot-path debug lines (a thread open's second copy, the end
 * of its auto-log pass) cost it about 0.8 ms of CPU per open under Playwright, beside the card's
 * render on a 2-core machine. A sink given to `createLogger` (tests, diagnostics) gets every level.
 */
const consoleDebugOn = (): boolean => (globalThis as Record<string, unknown>)[DEBUG_SWITCH] === true;

const CONTENT_FIELD =
  /subject|body|details|text|note|name|address|email|participant|token|key|secret|password|query/i;
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[a-z]{2,}/gi;
// API keys, bearer tokens, hashes: long runs of token characters.
const TOKEN = /\b(?:bearer\s+)?[A-Za-z0-9_\-+/=]{24,}/gi;

/** Masks addresses, tokens, card numbers and SSNs in a line of text. */
export function redact(text: string): string {
  const masked = text.replace(EMAIL, '[email]').replace(TOKEN, '[token]');
  const findings = findCardsAndSsns(masked);
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += `${masked.slice(at, f.start)}[${f.kind}]`;
    at = f.end;
  }
  return out + masked.slice(at);
}

export function createLogger(scope: string, sink?: LogSink): Logger {
  const out = sink ?? consoleSink;
  const write = (level: LogLevel, event: string, fields?: LogFields): void => {
    if (level === 'debug' && sink === undefined && !consoleDebugOn()) return;
    let suffix = '';
    if (fields) {
      const safe: Record<string, string | number | boolean | null> = {};
      for (const [key, value] of Object.entries(fields)) {
        safe[key] = CONTENT_FIELD.test(key) && value !== null ? '[redacted]' : value;
      }
      suffix = ` ${JSON.stringify(safe)}`;
    }
    out(level, redact(`[threadline:${scope}] ${event}${suffix}`));
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
