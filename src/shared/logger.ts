/**
 * The one logger of the extension. Log events and identifiers, never content: no addresses,
 * subjects, bodies or tokens go in `fields` (issue 6 adds masking on top of this rule).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export type LogSink = (level: LogLevel, line: string) => void;

const consoleSink: LogSink = (level, line) => {
  // biome-ignore lint/suspicious/noConsole: -- reason: this is the one place that writes to the console
  console[level](line);
};

export function createLogger(scope: string, sink: LogSink = consoleSink): Logger {
  const write = (level: LogLevel, event: string, fields?: LogFields): void => {
    const suffix = fields ? ` ${JSON.stringify(fields)}` : '';
    sink(level, `[threadline:${scope}] ${event}${suffix}`);
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
