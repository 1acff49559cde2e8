/**
 * `periscope snapshot serve FILE`: serves a snapshot file (`docs/snapshot-format.md`) as a
 * read-only DAP session on loopback, so any DAP client (VS Code, nvim-dap, dape) can browse it:
 * it connects to the printed address and sends `attach` (or `launch`) with any arguments.
 * `periscope snapshot show FILE` prints its summary and traceback.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLogger } from '../log/logger.js';
import { parseSnapshot, summarize } from '../snapshots/snapshot-document.js';
import { formatTraceback } from '../snapshots/snapshot-traceback.js';
import { listenSnapshot } from '../snapshots/replay-server.js';
import { parsePort } from '../../src-common/net.js';
import { errorMessage } from '../../src-common/errors.js';

/** `periscope snapshot --help`. */
export const SNAPSHOT_USAGE = `Usage: periscope snapshot serve FILE [--port N] [--host ADDR]
       periscope snapshot show FILE

serve  serves the snapshot FILE (.psnap.json.gz) as a read-only DAP session on loopback:
       point a DAP client at the printed address and attach. Stop with Ctrl-C.
show   prints what the snapshot recorded: when, where, and the traceback.

Options:
  --port N      TCP port (default 0: a free port)
  --host ADDR   loopback address to bind: 127.0.0.1 (default), ::1 or localhost
  -h, --help    show this help
`;

/** Runs `periscope snapshot …` with the arguments after `snapshot`; resolves with the exit status. */
export async function runSnapshotCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, file] = positionals;
  if (values.help || !action) {
    process.stdout.write(SNAPSHOT_USAGE);
    return values.help ? 0 : 2;
  }
  if ((action !== 'serve' && action !== 'show') || !file || positionals.length > 2) {
    process.stderr.write(
      `periscope snapshot: expected "serve FILE" or "show FILE"\n\n${SNAPSHOT_USAGE}`,
    );
    return 2;
  }
  const port = values.port === undefined ? 0 : parsePort(values.port);
  if (port === undefined) {
    process.stderr.write('periscope snapshot: --port must be a number from 0 to 65535\n');
    return 2;
  }
  let doc;
  try {
    doc = parseSnapshot(await readFile(file));
  } catch (error) {
    process.stderr.write(`periscope snapshot: cannot open ${file}: ${errorMessage(error)}\n`);
    return 1;
  }
  const summary = summarize(doc);
  const what = summary.exception ?? `snapshot point ${summary.point ?? ''}`;
  if (action === 'show') {
    process.stdout.write(
      `${summary.time}  ${summary.host}  pid ${summary.pid}  ${summary.program}\n${what}\n\n${formatTraceback(doc)}`,
    );
    return 0;
  }
  const listener = await listenSnapshot(doc, {
    ...(values.host ? { host: values.host } : {}),
    port,
    logger: createLogger('snapshot'),
  });
  const address = listener.host.includes(':') ? `[${listener.host}]` : listener.host;
  process.stdout.write(`Periscope snapshot DAP server: ${address}:${listener.port}\n(${what})\n`);
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      void listener.close().finally(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
