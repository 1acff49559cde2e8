import type { DebugProtocol } from '@vscode/debugprotocol';
import { describe, expect, it } from 'vitest';
import type { DapConnection } from '../../../../src-main/dap/dap-connection.js';
import { silentLogger } from '../../../../src-main/log/logger.js';
import {
  followSnapshotPointHits,
  snapshotPathsIn,
} from '../../../../src-main/snapshots/snapshot-point-hits.js';

describe('snapshot point hits', () => {
  it('finds the snapshot files an output names, one a line, and nothing else', () => {
    expect(
      snapshotPathsIn(
        'line 1\nperiscope-snapshot /r/a-1.psnap.json.gz\r\nperiscope-snapshot-failed x\nperiscope-snapshot /r/notes.txt\n',
      ),
    ).toEqual(['/r/a-1.psnap.json.gz']);
  });

  it('reads each hit over the link and keeps it, on the first connection and after a re-attach', async () => {
    const listeners: ((event: DebugProtocol.Event) => void)[] = [];
    const connection = (): DapConnection =>
      ({
        onEvent: (listener: (event: DebugProtocol.Event) => void) => {
          listeners.push(listener);
          return () => undefined;
        },
      }) as unknown as DapConnection;
    let onConnection: (c: DapConnection) => void = () => undefined;
    const kept: string[] = [];
    const read: string[] = [];
    followSnapshotPointHits(
      {
        onConnection: (listener) => {
          onConnection = listener;
          listener(connection());
        },
      },
      (path) => {
        read.push(path);
        return path.includes('gone')
          ? Promise.reject(new Error('trimmed'))
          : Promise.resolve(Buffer.from(path));
      },
      (name, bytes) => {
        kept.push(`${name}=${bytes.toString()}`);
        return Promise.resolve();
      },
      silentLogger,
    );
    const output = (text: string): DebugProtocol.Event => ({
      seq: 1,
      type: 'event',
      event: 'output',
      body: { category: 'stdout', output: text },
    });
    listeners[0]!(output('periscope-snapshot /r/a.psnap.json.gz\n'));
    listeners[0]!(output('periscope-snapshot /r/gone.psnap.json.gz\n'));
    onConnection(connection());
    listeners[1]!(output('periscope-snapshot /r/b.psnap.json.gz\n'));
    listeners[1]!({ seq: 2, type: 'event', event: 'stopped', body: {} });
    await new Promise((r) => setTimeout(r, 10));
    expect(read).toEqual(['/r/a.psnap.json.gz', '/r/gone.psnap.json.gz', '/r/b.psnap.json.gz']);
    expect(kept).toEqual([
      'a.psnap.json.gz=/r/a.psnap.json.gz',
      'b.psnap.json.gz=/r/b.psnap.json.gz',
    ]);
  });
});
