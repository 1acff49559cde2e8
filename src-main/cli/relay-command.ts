/**
 * `periscope relay`: the relay as a headless server (qdb's server): a tracer port where programs
 * call `debugpy.connect((host, port))`, and the client endpoint serving the web UI (from which
 * each session's DAP endpoint can be opened). Options mirror qdb's server: hosts, ports, attach and
 * inactivity timeouts, sweep time, disable mode (soft = detach, hard = terminate), log.
 *
 * Binds loopback only unless `--allow-remote` is given, and then warns. Prints the UI's URL (with
 * its token) on stdout, and a new one whenever repeated wrong tokens rotated it.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger, stderrSink, type LogLevel, type LogSink } from '../log/logger.js';
import { webDataDir } from '../profiles/data-dir.js';
import { ProfileStore } from '../profiles/profile-store.js';
import { createClientToken } from '../web/client-token.js';
import { Backend } from '../backend/backend.js';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from '../relay/relay-limits.js';
import { defaultStaticDir, startWebServer } from '../web/web-server.js';
import { tokenRotatedNotice } from '../web/token-lockout.js';
import { runUntilSignal } from './run-until-signal.js';
import { installLastResortGuard } from './last-resort-guard.js';
import { isLoopbackName, parsePort } from '../../src-common/net.js';

/** `periscope relay --help`. */
export const RELAY_USAGE = `Usage: periscope relay [options]

Runs the relay headless: programs that call debugpy.connect((HOST, TRACER_PORT)) become
debug sessions; browsers open the printed URL to debug them, several at once.

Options:
  --tracer-host ADDR          address of the tracer port (default 127.0.0.1)
  --tracer-port N             tracer port (default 8001; 0 = a free port)
  --client-host ADDR          address of the web UI and client endpoint (default 127.0.0.1)
  --client-port N             port of the web UI and client endpoint (default 8002; 0 = a free port)
  --allow-remote              allow non-loopback addresses above (anyone who can reach the
                              tracer port can attach a program; DAP itself has no authentication)
  --allowed-host NAME         another Host name the web UI answers to (repeatable)
  --attach-timeout S          seconds a new session waits for its first client (default 300; 0 = forever)
  --inactivity-timeout S      seconds a session may have no client before the sweep ends it
                              (default 900; 0 = never)
  --sweep-time S              seconds between sweeps for orphaned sessions (default 5)
  --timeout-disable-mode M    what the sweep does: soft = detach, the program runs on (default);
                              hard = terminate the program
  --max-tracers N             most tracers at once (default 32; a connection counts once it has
                              answered the relay, which it must within 5 s)
  --max-clients N             most clients at once (default 64)
  --max-ended-sessions N      ended sessions kept in the list, oldest forgotten first (default 50)
  --ended-retention S         seconds an ended session is kept (default 3600; 0 = no age limit)
  --log FILE                  append log lines to FILE instead of stderr
  --log-level L               debug, info (default), warn or error
  --data-dir DIR              where profiles and known hosts live
  --static-dir DIR            the built renderer (default: renderer/ beside this script)
  -h, --help                  show this help
`;

/** A usage error: printed with the usage, exit status 2. */
class UsageError extends Error {}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = parsePort(value);
  if (n === undefined) throw new UsageError(`--${name} must be a number from 0 to 65535`);
  return n;
}

function seconds(value: string | undefined, fallbackMs: number, name: string): number {
  if (value === undefined) return fallbackMs;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number of seconds`);
  return Math.round(n * 1000);
}

function count(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive number`);
  return n;
}

/**
 * Runs `periscope relay` with `argv` (after the command name). Resolves with an exit status for
 * usage errors and `--help`; otherwise runs until SIGINT/SIGTERM.
 */
export async function runRelayCommand(argv: string[], bundleDir: string): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        'tracer-host': { type: 'string' },
        'tracer-port': { type: 'string' },
        'client-host': { type: 'string' },
        'client-port': { type: 'string' },
        'allow-remote': { type: 'boolean' },
        'allowed-host': { type: 'string', multiple: true },
        'attach-timeout': { type: 'string' },
        'inactivity-timeout': { type: 'string' },
        'sweep-time': { type: 'string' },
        'timeout-disable-mode': { type: 'string' },
        'max-tracers': { type: 'string' },
        'max-clients': { type: 'string' },
        'max-ended-sessions': { type: 'string' },
        'ended-retention': { type: 'string' },
        log: { type: 'string' },
        'log-level': { type: 'string' },
        'data-dir': { type: 'string' },
        'static-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`periscope relay: ${(error as Error).message}\n\n${RELAY_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(RELAY_USAGE);
    return 0;
  }
  let limits: RelayLimits;
  let tracerPort: number;
  let clientPort: number;
  const tracerHost = values['tracer-host'] ?? '127.0.0.1';
  const clientHost = values['client-host'] ?? '127.0.0.1';
  try {
    tracerPort = port(values['tracer-port'], 8001, 'tracer-port');
    clientPort = port(values['client-port'], 8002, 'client-port');
    const mode = values['timeout-disable-mode'] ?? 'soft';
    if (mode !== 'soft' && mode !== 'hard')
      throw new UsageError('--timeout-disable-mode must be soft or hard');
    limits = {
      ...DEFAULT_RELAY_LIMITS,
      attachTimeoutMs: seconds(
        values['attach-timeout'],
        DEFAULT_RELAY_LIMITS.attachTimeoutMs,
        'attach-timeout',
      ),
      inactivityTimeoutMs: seconds(
        values['inactivity-timeout'],
        DEFAULT_RELAY_LIMITS.inactivityTimeoutMs,
        'inactivity-timeout',
      ),
      sweepIntervalMs: Math.max(
        100,
        seconds(values['sweep-time'], DEFAULT_RELAY_LIMITS.sweepIntervalMs, 'sweep-time'),
      ),
      orphanAction: mode === 'soft' ? 'detach' : 'terminate',
      maxTracers: count(values['max-tracers'], DEFAULT_RELAY_LIMITS.maxTracers, 'max-tracers'),
      maxClients: count(values['max-clients'], DEFAULT_RELAY_LIMITS.maxClients, 'max-clients'),
      maxEndedSessions: count(
        values['max-ended-sessions'],
        DEFAULT_RELAY_LIMITS.maxEndedSessions,
        'max-ended-sessions',
      ),
      endedRetentionMs: seconds(
        values['ended-retention'],
        DEFAULT_RELAY_LIMITS.endedRetentionMs,
        'ended-retention',
      ),
    };
    const level = values['log-level'] ?? 'info';
    if (!['debug', 'info', 'warn', 'error'].includes(level))
      throw new UsageError('--log-level must be debug, info, warn or error');
    for (const [flag, host] of [
      ['tracer-host', tracerHost],
      ['client-host', clientHost],
    ] as const) {
      if (!isLoopbackName(host) && !values['allow-remote'])
        throw new UsageError(
          `--${flag} ${host} is not a loopback address; add --allow-remote to bind it anyway`,
        );
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`periscope relay: ${error.message}\n\n${RELAY_USAGE}`);
    return 2;
  }

  let sink: LogSink = stderrSink;
  if (values.log) {
    const file = createWriteStream(values.log, { flags: 'a', mode: 0o600 });
    sink = (lvl, scope, message, fields) => {
      const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      file.write(`${new Date().toISOString()} ${lvl} [${scope}] ${message}${extra}\n`);
    };
  }
  const logger = createLogger('periscope', sink, (values['log-level'] ?? 'info') as LogLevel);
  installLastResortGuard(logger);
  for (const host of [tracerHost, clientHost]) {
    if (!isLoopbackName(host)) {
      process.stderr.write(
        `periscope relay: WARNING: listening on ${host}, not loopback. Anyone who can reach the ` +
          `tracer port can attach a program, and the web UI is protected only by its token.\n`,
      );
    }
  }
  const dataDir = values['data-dir'] ?? webDataDir();
  const profileStore = await ProfileStore.open(dataDir, { logger: logger.child('profiles') });
  const relay = new Backend({ profileStore, dataDir, logger: logger.child('relay'), limits });
  const tracer = await relay.openTracerPort({ host: tracerHost, port: tracerPort });
  const server = await startWebServer({
    relay,
    staticDir: values['static-dir'] ?? defaultStaticDir(bundleDir),
    token: createClientToken(),
    host: clientHost,
    port: clientPort,
    allowRemote: values['allow-remote'] ?? false,
    allowedHosts: values['allowed-host'] ?? [],
    logger: logger.child('web'),
    onTokenRotated: (url) => process.stdout.write(tokenRotatedNotice(url)),
  });
  process.stdout.write(
    `Periscope relay\n` +
      `  tracer port: ${tracer.host}:${tracer.port}  (in the program: import debugpy; ` +
      `debugpy.connect(("${tracer.host}", ${tracer.port})))\n` +
      `  web UI: ${server.url}\n`,
  );
  return runUntilSignal(relay, server);
}
