/**
 * A snapshot as the tracer of a relay session, so it opens in the same UI as a live program:
 * the replay (`replay-server.ts`) answers on one end of an in-memory stream pair and the
 * session's DAP connection is the other end. Nothing leaves the process. The session's files
 * are the texts recorded in the snapshot (the source at the time), never the machine's current
 * ones; the program cannot be stepped (`READ_ONLY_MESSAGE`).
 */
import { duplexPair } from 'node:stream';
import { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type { StartedTracer } from '../tracer/launch-tracer.js';
import type { SnapshotDocument } from './snapshot-document.js';
import { serveSnapshot } from './replay-server.js';

/**
 * The tracer of a session that replays `doc`.
 * @param label the session's target as listed (the snapshot's program and what it recorded).
 */
export function snapshotTracer(
  doc: SnapshotDocument,
  label: string,
  logger: Logger,
): StartedTracer {
  const [ours, theirs] = duplexPair();
  const replay = serveSnapshot(theirs, doc, logger.child('replay'));
  const connection = new DapConnection(ours, { name: 'snapshot', logger });
  return {
    label,
    notice: 'Periscope: this is a snapshot, a program as it was at one moment; nothing runs.',
    link: {
      connection,
      dispose: () => {
        connection.close('the snapshot was closed');
        replay.close('the snapshot was closed');
        return Promise.resolve();
      },
    },
    onOutput: () => undefined,
    readFile: (path, maxBytes) => {
      const text = doc.sources[path]?.text;
      if (text === undefined)
        return Promise.reject(new Error(`the snapshot did not record the text of ${path}`));
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length > maxBytes)
        return Promise.reject(new Error(`${path} is larger than ${maxBytes} bytes`));
      return Promise.resolve(bytes);
    },
  };
}
