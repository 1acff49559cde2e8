import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../../../src-main/snapshots/snapshot-document.js';
import { SnapshotReplay } from '../../../../src-main/snapshots/replay-adapter.js';

/** The smallest valid snapshot: one thread, one frame, one local. */
function minimal(): Record<string, unknown> {
  return {
    format: 'periscope.snapshot',
    version: 1,
    capture: { kind: 'point', hook: 'snapshot-point', time: '2026-12-02T07:00:00Z' },
    process: { pid: 7, host: 'h', argv: ['a.py'], program: '/a.py' },
    threads: [{ id: 1, name: 'MainThread', frames: [1] }],
    frames: [{ id: 1, name: 'f', file: '/a.py', line: 3, locals: 1 }],
    objects: {
      '1': {
        type: 'locals',
        repr: '',
        kind: 'named',
        items: [{ name: 'x', value: { type: 'int', repr: '1' } }],
      },
    },
    sources: { '/a.py': { text: 'a\nb\nc\n' } },
  };
}

describe('parseSnapshot', () => {
  it('reads gzip and plain JSON', () => {
    const text = JSON.stringify(minimal());
    expect(parseSnapshot(gzipSync(Buffer.from(text))).process.pid).toBe(7);
    expect(parseSnapshot(Buffer.from(text)).frames).toHaveLength(1);
  });

  it.each([
    ['not json', /not JSON/],
    [JSON.stringify({ format: 'x' }), /"format" is not "periscope.snapshot"/],
    [JSON.stringify({ ...minimal(), version: 2 }), /version 2 is not known here/],
    [
      JSON.stringify({ ...minimal(), threads: [{ name: 'x', id: 1, frames: [9] }] }),
      /missing frame/,
    ],
    [JSON.stringify({ ...minimal(), frames: 'nope' }), /malformed snapshot: frames/],
  ])('refuses %s', (text, message) => {
    expect(() => parseSnapshot(Buffer.from(text))).toThrow(message);
  });
});

describe('SnapshotReplay', () => {
  const replay = (): SnapshotReplay =>
    new SnapshotReplay(parseSnapshot(Buffer.from(JSON.stringify(minimal()))));

  it('answers bad arguments with an error, not a throw', () => {
    expect(replay().handle('stackTrace', { threadId: 42 }).error).toBe(
      'no thread 42 in this snapshot',
    );
    expect(replay().handle('variables', { variablesReference: 99 }).error).toMatch(/no variables/);
    expect(replay().handle('scopes', {}).error).toBe('frameId must be an integer');
  });

  it('stops once on configurationDone, as a snapshot point', () => {
    const r = replay();
    const events = r.handle('configurationDone').events.map((e) => e.event);
    expect(events).toEqual(['process', 'output', 'stopped']);
    expect(r.handle('configurationDone').events).toEqual([]);
  });

  it('calls an exception nobody caught uncaught, and one a handler reported raised', () => {
    const withException = (hook: string): SnapshotReplay =>
      new SnapshotReplay(
        parseSnapshot(
          Buffer.from(
            JSON.stringify({
              ...minimal(),
              capture: { kind: 'exception', hook, time: '2026-12-02T07:00:00Z' },
              exception: 0,
              exceptions: [{ type: 'ValueError', message: 'bad', frames: [1] }],
              threads: [{ id: 1, name: 'MainThread', crashed: true, frames: [1] }],
            }),
          ),
        ),
      );
    const mode = (hook: string): unknown =>
      (withException(hook).handle('exceptionInfo', { threadId: 1 }).body as { breakMode: string })
        .breakMode;
    expect(mode('sys.excepthook')).toBe('unhandled');
    expect(mode('threading.excepthook')).toBe('unhandled');
    expect(mode('flask.got_request_exception')).toBe('always');
    expect(mode('logging:app')).toBe('always');
  });

  it('refuses what would run the program', () => {
    for (const command of ['continue', 'next', 'stepIn', 'pause', 'setVariable', 'restart'])
      expect(replay().handle(command).error).toMatch(/cannot run, step or change/);
  });

  it('says a breakpoint cannot be hit', () => {
    const body = replay().handle('setBreakpoints', { breakpoints: [{ line: 2 }] }).body as {
      breakpoints: { verified: boolean }[];
    };
    expect(body.breakpoints).toEqual([
      {
        verified: false,
        line: 2,
        message: 'A snapshot does not run, so no breakpoint can be hit.',
      },
    ]);
  });
});
