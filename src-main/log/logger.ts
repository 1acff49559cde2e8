/**
 * A small structured logger for the Node side. Lines go to stderr as
 * `<ISO time> <level> [<scope>] <message> <json fields>`. Never pass secrets or the client token.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines carry `scope` (e.g. `dap:tracer-1`). */
  child(scope: string): Logger;
}

/** Where log lines go; tests pass an array-backed sink to assert on them. */
export type LogSink = (
  level: LogLevel,
  scope: string,
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** Writes to stderr; the level comes from `PERISCOPE_LOG` (debug|info|warn|error, default info). */
export const stderrSink: LogSink = (level, scope, message, fields) => {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  process.stderr.write(`${new Date().toISOString()} ${level} [${scope}] ${message}${extra}\n`);
};

/** Creates a logger that drops lines below `minLevel`. */
export function createLogger(
  scope = 'periscope',
  sink: LogSink = stderrSink,
  minLevel: LogLevel = parseLevel(process.env.PERISCOPE_LOG),
): Logger {
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (LEVEL_RANK[level] >= LEVEL_RANK[minLevel]) sink(level, scope, message, fields);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (child) => createLogger(`${scope}:${child}`, sink, minLevel),
  };
}

function parseLevel(value: string | undefined): LogLevel {
  return value === 'debug' || value === 'warn' || value === 'error' ? value : 'info';
}

/** A logger that discards everything (for tests that do not look at logs). */
export const silentLogger: Logger = createLogger('silent', () => undefined);
