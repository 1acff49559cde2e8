import { describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  MAX_CACHED_ANSWERS,
  StopCache,
  canonicalJson,
} from '../../../../src-main/relay/stop-cache.js';

/** A fake tracer that records requests and answers like debugpy would after a stop. */
function tracer(): {
  sent: string[];
  send: (command: string, args: unknown) => Promise<DebugProtocol.Response>;
} {
  const sent: string[] = [];
  const body = (command: string): unknown => {
    switch (command) {
      case 'stackTrace':
        return { stackFrames: [{ id: 7, name: 'main', line: 3, column: 1 }], totalFrames: 2 };
      case 'scopes':
        return { scopes: [{ name: 'Locals', variablesReference: 11, expensive: false }] };
      case 'variables':
        return { variables: [{ name: 'x', value: '1', variablesReference: 0 }] };
      case 'threads':
        return { threads: [{ id: 1, name: 'MainThread' }] };
      default:
        return {};
    }
  };
  return {
    sent,
    send: (command, args) => {
      sent.push(`${command} ${canonicalJson(args)}`);
      return Promise.resolve({
        seq: sent.length,
        type: 'response',
        request_seq: 0,
        command,
        success: true,
        body: body(command),
      });
    },
  };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('StopCache', () => {
  it('prefetches the top frame, its scopes and the first scope’s variables, then threads', async () => {
    const t = tracer();
    const cache = new StopCache(t.send);
    cache.onStopped(1);
    await flush();
    expect(t.sent).toEqual([
      'stackTrace {"levels":1,"startFrame":0,"threadId":1}',
      'scopes {"frameId":7}',
      'variables {"variablesReference":11}',
      'threads ',
    ]);
  });

  it('answers the clients’ identical requests without asking the tracer again', async () => {
    const t = tracer();
    const cache = new StopCache(t.send);
    cache.onStopped(1);
    await flush();
    const before = t.sent.length;
    const a = await cache.lookup('stackTrace', { threadId: 1, startFrame: 0, levels: 1 });
    const b = await cache.lookup('stackTrace', { levels: 1, threadId: 1, startFrame: 0 });
    await cache.lookup('variables', { variablesReference: 11 });
    expect(a?.body).toEqual(b?.body);
    expect(t.sent.length).toBe(before);
  });

  it('forgets everything on a request that may change the program, and on the next stop', async () => {
    const t = tracer();
    const cache = new StopCache(t.send);
    cache.onStopped(1);
    await flush();
    expect(
      cache.lookup('evaluate', { expression: 'x.append(1)', context: 'repl' }),
    ).toBeUndefined();
    const before = t.sent.length;
    await cache.lookup('variables', { variablesReference: 11 });
    expect(t.sent.length).toBe(before + 1);
    // Watch and hover evaluations are reads: they keep the cache.
    expect(cache.lookup('evaluate', { expression: 'x', context: 'watch' })).toBeUndefined();
    await cache.lookup('variables', { variablesReference: 11 });
    expect(t.sent.length).toBe(before + 1);
    expect(cache.lookup('next', { threadId: 1 })).toBeUndefined();
    await cache.lookup('variables', { variablesReference: 11 });
    expect(t.sent.length).toBe(before + 2);
  });

  it('does not keep failed answers', async () => {
    let calls = 0;
    const cache = new StopCache((command) => {
      calls += 1;
      return Promise.resolve({
        seq: 1,
        type: 'response',
        request_seq: 0,
        command,
        success: calls > 1,
        body: {},
      });
    });
    expect((await cache.lookup('threads', undefined))?.success).toBe(false);
    expect((await cache.lookup('threads', undefined))?.success).toBe(true);
    expect(calls).toBe(2);
  });

  it('keeps at most MAX_CACHED_ANSWERS answers: a client asking ever new things grows nothing', async () => {
    const t = tracer();
    const cache = new StopCache(t.send);
    for (let i = 0; i < MAX_CACHED_ANSWERS + 10; i++)
      await cache.lookup('stackTrace', { threadId: 1, startFrame: 0, levels: 1000 + i });
    const sent = t.sent.length;
    // The first ones are kept and shared; the ones past the cap went to the tracer, and go again.
    await cache.lookup('stackTrace', { threadId: 1, startFrame: 0, levels: 1000 });
    expect(t.sent.length).toBe(sent);
    await cache.lookup('stackTrace', {
      threadId: 1,
      startFrame: 0,
      levels: 1000 + MAX_CACHED_ANSWERS + 5,
    });
    expect(t.sent.length).toBe(sent + 1);
  });
});

describe('canonicalJson', () => {
  it('gives equal arguments one key whatever their key order, flat or nested', () => {
    expect(canonicalJson({ threadId: 1, startFrame: 0, levels: 1 })).toBe(
      '{"levels":1,"startFrame":0,"threadId":1}',
    );
    expect(canonicalJson({ b: null, a: 'x' })).toBe(canonicalJson({ a: 'x', b: null }));
    const nested = canonicalJson({ source: { path: '/p', name: 'p' }, lines: [2, 1] });
    expect(nested).toBe('{"lines":[2,1],"source":{"name":"p","path":"/p"}}');
    expect(canonicalJson({ lines: [2, 1], source: { name: 'p', path: '/p' } })).toBe(nested);
    expect(canonicalJson(undefined)).toBe('');
  });
});
