/**
 * Command-line entry, bundled to `dist/periscope.js`.
 *
 *   periscope web [--port N] [--host 127.0.0.1] [--data-dir DIR] [--static-dir DIR]
 *   periscope relay [--tracer-port 8001] [--client-port 8002] … (`relay-command.ts`)
 *   periscope snapshot serve FILE | show FILE (`snapshot-command.ts`)
 *
 * Web mode: the relay plus the renderer served to a browser on loopback, behind a per-run token.
 * Prints the URL to open (with the token) on stdout; logs go to stderr. The URL is printed as
 * soon as the server listens; the backend (`web-backend.ts`: most of the code, in its own chunks)
 * loads once the server has served the page's scripts (the browser runs them meanwhile; its
 * WebSocket waits for the backend), at the first WebSocket upgrade, or {@link IDLE_LOAD_MS}
 * after the URL, whichever comes first. The other commands are loaded when named.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../log/logger.js';
import { webDataDir } from '../profiles/data-dir.js';
import { createClientToken } from '../web/client-token.js';
import type { Backend } from '../backend/backend.js';
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
    const { runRelayCommand } = await import('./relay-command.js');
    return runRelayCommand(argv.slice(1), dirname(fileURLToPath(import.meta.url)));
  }
  if (argv[0] === 'snapshot') {
    const { runSnapshotCommand } = await import('./snapshot-command.js');
    return runSnapshotCommand(argv.slice(1));
  }
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
  // With a tracer port, the backend loads first (that port's line has always come before the
  // URL's). It rejects, and the process exits with the reason, when the data directory cannot
  // be used.
  let requested = values['tracer-port'] !== undefined;
  let request = (): void => undefined;
  const loadNow = (): void => {
    requested = true;
    request();
  };
  const relay: Promise<Backend> = (
    requested ? Promise.resolve() : new Promise<void>((resolve) => (request = resolve))
  )
    .then(() => import('./web-backend.js'))
    .then(({ openWebBackend }) => openWebBackend(dataDir, logger));
  if (values['tracer-port'] !== undefined) await relay;
  const bundleDir = dirname(fileURLToPath(import.meta.url));
  const token = createClientToken();
  const serve = (onPort: number): ReturnType<typeof startWebServer> =>
    startWebServer({
      relay,
      onRelayNeeded: () => loadNow(),
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
    const tracer = await (await relay).openTracerPort({ port: tracerPort });
    process.stdout.write(`Periscope tracer port: ${tracer.host}:${tracer.port}\n`);
  }
  process.stdout.write(`Periscope web UI: ${server.url}\n`);
  setTimeout(loadNow, IDLE_LOAD_MS);
  // A signal before the backend was asked for has no backend to close.
  const running = runUntilSignal(
    { close: () => (requested ? relay.then((backend) => backend.close()) : Promise.resolve()) },
    server,
  );
  await relay;
  return running;
}

/**
 * When the backend loads (ms after the URL is printed) if no page has asked for it by then: a
 * person who opens the URL later finds it loaded.
 */
const IDLE_LOAD_MS = 1000;

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
