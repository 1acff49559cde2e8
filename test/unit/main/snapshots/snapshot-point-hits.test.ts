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

  it('reads only snapshot paths, each once, two at a time with at most 100 waiting', async () => {
    expect(
      snapshotPathsIn(
        [
          'periscope-snapshot relative/a.psnap.json.gz',
          'periscope-snapshot /r/../etc/b.psnap.json.gz',
          'periscope-snapshot /r/./c.psnap.json.gz',
          'periscope-snapshot /r/x y.psnap.json.gz',
          'periscope-snapshot /r/ok-1.psnap.json.gz',
        ].join('\n'),
      ),
    ).toEqual(['/r/ok-1.psnap.json.gz']);

    let listener: (event: DebugProtocol.Event) => void = () => undefined;
    const pending: (() => void)[] = [];
    let reads = 0;
    let mostAtOnce = 0;
    let open = 0;
    followSnapshotPointHits(
      {
        onConnection: (l) =>
          l({
            onEvent: (e: (event: DebugProtocol.Event) => void) => {
              listener = e;
              return () => undefined;
            },
          } as unknown as DapConnection),
      },
      () => {
        reads++;
        open++;
        mostAtOnce = Math.max(mostAtOnce, open);
        return new Promise((done) =>
          pending.push(() => {
            open--;
            done(Buffer.from('x'));
          }),
        );
      },
      () => Promise.resolve(),
      silentLogger,
    );
    const lines = Array.from(
      { length: 300 },
      (_, i) => `periscope-snapshot /r/s-${i}.psnap.json.gz`,
    );
    const event = (text: string): DebugProtocol.Event => ({
      seq: 1,
      type: 'event',
      event: 'output',
      body: { category: 'console', output: text },
    });
    listener(event(lines.join('\n')));
    listener(event(lines.slice(0, 5).join('\n')));
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(mostAtOnce).toBe(2);
    // Two reading, 100 waiting; the rest (and every repeat) left to snapshots.fetch.
    expect(reads).toBe(102);
  });
});
