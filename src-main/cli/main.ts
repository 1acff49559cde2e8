/**
 * Command-line entry, bundled to `dist/periscope.js`.
 *
 *   periscope web [--port N] [--host 127.0.0.1] [--data-dir DIR] [--static-dir DIR]
 *   periscope relay [--tracer-port 8001] [--client-port 8002] … (`relay-command.ts`)
 *   periscope snapshot serve FILE | show FILE (`snapshot-command.ts`)
 *
 * Web mode: the relay plus the renderer served to a browser on loopback, behind a per-run token.
 * Prints the URL to open (with the token) on stdout; logs go to stderr.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../log/logger.js';
import { webDataDir } from '../profiles/data-dir.js';
import { ProfileStore } from '../profiles/profile-store.js';
import { createClientToken } from '../web/client-token.js';
import { Backend } from '../backend/backend.js';
import { runRelayCommand } from './relay-command.js';
import { runSnapshotCommand } from './snapshot-command.js';
import { defaultStaticDir, startWebServer } from '../web/web-server.js';
import { tokenRotatedNotice } from '../web/token-lockout.js';
import { runUntilSignal } from './run-until-signal.js';
import { installLastResortGuard } from './last-resort-guard.js';
import { parsePort } from '../../src-common/net.js';
import { errorMessage } from '../../src-common/errors.js';

const USAGE = `Usage: periscope web [options]
       periscope relay [options]   (headless relay; see periscope relay --help)
       periscope snapshot serve FILE   (a snapshot as a read-only DAP session; see --help)

Serves Periscope's UI to a browser on this machine (web mode).

Options:
  --port N          TCP port of the UI and client endpoint (default: 7821, or the next free
                    one up to 7830, so the page's origin — and the breakpoints and watches
                    the browser keeps for it — stay the same from run to run; 0 = any free port)
  --host ADDR       loopback address to bind: 127.0.0.1 (default), ::1 or localhost
  --data-dir DIR    where profiles and known hosts live (default: $XDG_CONFIG_HOME/periscope)
  --static-dir DIR  the built renderer (default: renderer/ beside this script)
  --tracer-port N   also open a tracer port on 127.0.0.1 for programs that call
                    debugpy.connect (0 = a free port; default: none)
  -h, --help        show this help
`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'relay') {
    return runRelayCommand(argv.slice(1), dirname(fileURLToPath(import.meta.url)));
  }
  if (argv[0] === 'snapshot') return runSnapshotCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'static-dir': { type: 'string' },
      'tracer-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'web';
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command !== 'web') {
    process.stderr.write(`periscope: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? undefined : parsePort(values.port);
  if (values.port !== undefined && port === undefined) {
    process.stderr.write(`periscope: --port must be a number from 0 to 65535\n`);
    return 2;
  }
  const logger = createLogger('periscope');
  installLastResortGuard(logger);
  const dataDir = values['data-dir'] ?? webDataDir();
  const profileStore = await ProfileStore.open(dataDir, { logger: logger.child('profiles') });
  if (profileStore.recoveredFrom) {
    logger.warn(
      `the profile file was unreadable and was moved aside to ${profileStore.recoveredFrom}`,
    );
  }
  const relay = new Backend({ profileStore, dataDir, logger: logger.child('relay') });
  const bundleDir = dirname(fileURLToPath(import.meta.url));
  const token = createClientToken();
  const serve = (onPort: number): ReturnType<typeof startWebServer> =>
    startWebServer({
      relay,
      staticDir: values['static-dir'] ?? defaultStaticDir(bundleDir),
      token,
      ...(values.host ? { host: values.host } : {}),
      port: onPort,
      logger: logger.child('web'),
      onTokenRotated: (url) => process.stdout.write(tokenRotatedNotice(url)),
    });
  const server = port !== undefined ? await serve(port) : await serveOnStablePort(serve);
  if (values['tracer-port'] !== undefined) {
    const tracerPort = parsePort(values['tracer-port']);
    if (tracerPort === undefined) {
      process.stderr.write(`periscope: --tracer-port must be a number from 0 to 65535\n`);
      return 2;
    }
    const tracer = await relay.openTracerPort({ port: tracerPort });
    process.stdout.write(`Periscope tracer port: ${tracer.host}:${tracer.port}\n`);
  }
  process.stdout.write(`Periscope web UI: ${server.url}\n`);
  return runUntilSignal(relay, server);
}

/** Default web-mode ports: the first free one is used, so the page's origin rarely changes. */
const STABLE_PORTS = [7821, 7822, 7823, 7824, 7825, 7826, 7827, 7828, 7829, 7830];

/** Serves on the first free port of {@link STABLE_PORTS}, else on any free port. */
async function serveOnStablePort<T>(serve: (port: number) => Promise<T>): Promise<T> {
  for (const candidate of STABLE_PORTS) {
    try {
      return await serve(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return serve(0);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`periscope: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
