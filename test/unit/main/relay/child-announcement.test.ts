import { describe, expect, it } from 'vitest';
import {
  announcedByEvent,
  announcedByRequest,
} from '../../../../src-main/relay/child-announcement.js';

const event = (body: unknown) => ({ seq: 1, type: 'event', event: 'debugpyAttach', body });

describe('child announcements', () => {
  it("reads debugpy's debugpyAttach event as it sends it", () => {
    const body = {
      justMyCode: false,
      connect: { host: '127.0.0.1', port: 59713 },
      pathMappings: [{ localRoot: '/l', remoteRoot: '/r' }],
      name: 'Subprocess 24536',
      request: 'attach',
      subProcessId: 24536,
    };
    expect(announcedByEvent(event(body))).toEqual({
      pid: 24536,
      connect: { host: '127.0.0.1', port: 59713 },
      configuration: body,
      via: 'debugpyAttach',
    });
  });

  it('reads a startDebugging reverse request (attach only)', () => {
    const request = (args: unknown) => ({
      seq: 2,
      type: 'request',
      command: 'startDebugging',
      arguments: args,
    });
    expect(
      announcedByRequest(request({ request: 'attach', configuration: { subProcessId: 7 } })),
    ).toEqual({ pid: 7, configuration: { subProcessId: 7 }, via: 'startDebugging' });
    expect(
      announcedByRequest(request({ request: 'launch', configuration: { subProcessId: 7 } })),
    ).toBeUndefined();
    expect(announcedByRequest({ ...request({}), command: 'runInTerminal' })).toBeUndefined();
  });

  it('refuses what a hostile or broken tracer might send, never throwing', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 100_000; i++) {
      const next: Record<string, unknown> = {};
      at.x = next;
      at = next;
    }
    const cyclic: Record<string, unknown> = { subProcessId: 5 };
    cyclic.self = cyclic;
    for (const body of [
      null,
      'text',
      [],
      {},
      { subProcessId: '12' },
      { subProcessId: -1 },
      { subProcessId: 1.5 },
      { subProcessId: Number.MAX_SAFE_INTEGER + 2 },
      { subProcessId: 3, padding: 'x'.repeat(100_000) },
      { subProcessId: 3, deep },
      cyclic,
    ])
      expect(announcedByEvent(event(body))).toBeUndefined();
    // A bad address is dropped, the child is still announced.
    for (const connect of [{ host: '', port: 1 }, { host: 'h', port: 70_000 }, { host: 5 }, 'h:1'])
      expect(announcedByEvent(event({ subProcessId: 3, connect }))).toEqual({
        pid: 3,
        configuration: { subProcessId: 3, connect },
        via: 'debugpyAttach',
      });
  });
});
