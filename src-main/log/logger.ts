/**
 * A small structured logger for the Node side. Lines go to stderr as
 * `<ISO time> <level> [<scope>] <message> <json fields>`. Never pass secrets or the client token.
 * A logger and its children share a rate limit (`line-limiter.ts`: a kind of line repeated too
 * often is summed up in one line) and every line's fields are bounded (`log-fields.ts`), so input
 * from outside cannot make the log grow faster than a bounded rate.
 */
import { boundFields, MAX_LOG_MESSAGE_CHARS, truncateText } from './log-fields.js';
import { LEVEL_RANK, type LogLevel } from './log-level.js';
import { LineLimiter, type LineLimiterOptions } from './line-limiter.js';

export type { LogLevel } from './log-level.js';

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

/**
 * Creates a logger that drops lines below `minLevel`. It and its children share one rate limit
 * (`rateLimit`: the limiter's options, default 20 lines of a kind per 10 s; `false` for none).
 */
export function createLogger(
  scope = 'periscope',
  sink: LogSink = stderrSink,
  minLevel: LogLevel = parseLevel(process.env.PERISCOPE_LOG),
  rateLimit: LineLimiterOptions | false = {},
): Logger {
  const limiter =
    rateLimit === false
      ? undefined
      : new LineLimiter((level, s, message) => sink(level, s, message), rateLimit);
  return scopedLogger(scope, (level, lineScope, message, fields) => {
    if (LEVEL_RANK[level] < LEVEL_RANK[minLevel]) return;
    if (limiter && !limiter.admit(level, lineScope, message)) return;
    sink(level, lineScope, truncateText(message, MAX_LOG_MESSAGE_CHARS), boundFields(fields));
  });
}

function scopedLogger(scope: string, emit: LogSink): Logger {
  return {
    debug: (m, f) => emit('debug', scope, m, f),
    info: (m, f) => emit('info', scope, m, f),
    warn: (m, f) => emit('warn', scope, m, f),
    error: (m, f) => emit('error', scope, m, f),
    child: (child) => scopedLogger(`${scope}:${child}`, emit),
  };
}

function parseLevel(value: string | undefined): LogLevel {
  return value === 'debug' || value === 'warn' || value === 'error' ? value : 'info';
}

/** A logger that discards everything (for tests that do not look at logs). */
export const silentLogger: Logger = createLogger('silent', () => undefined);
