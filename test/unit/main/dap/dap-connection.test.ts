import { afterEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapConnection } from '../../../../src-main/dap/dap-connection.js';
import {
  DapConnectionClosedError,
  DapRequestError,
  DapTimeoutError,
} from '../../../../src-main/dap/dap-errors.js';
import { encodeDapMessage } from '../../../../src-main/dap/framing.js';
import { createLogger, type Logger } from '../../../../src-main/log/logger.js';
import {
  NO_RESPONSE,
  createDuplexPair,
  createFakeTracer,
  type FakeTracerPair,
} from '../../../fixtures/fake-tracer.js';

interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger(
    'test',
    (level, _scope, message, fields) => {
      lines.push(fields ? { level, message, fields } : { level, message });
    },
    'debug',
  );
  return { logger, lines };
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves after every already-queued delivery (each runs in its own setImmediate task). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

let pair: FakeTracerPair | undefined;
afterEach(() => {
  pair?.client.close('test over');
  pair?.tracer.connection.close('test over');
  pair = undefined;
});

function setup(options: { requestTimeoutMs?: number } = {}): FakeTracerPair & { lines: LogLine[] } {
  const { logger, lines } = recordingLogger();
  pair = createFakeTracer({ logger, ...options });
  return { ...pair, lines };
}

describe('DapConnection: requests and responses', () => {
  it('numbers everything it sends from 1 and sends arguments as given', async () => {
    const { client, tracer } = setup();
    tracer.on('threads', () => ({ threads: [] }));
    tracer.on('evaluate', (args) => ({ result: JSON.stringify(args), variablesReference: 0 }));
    const tracerEvents: DebugProtocol.Event[] = [];
    tracer.connection.onEvent((event) => tracerEvents.push(event));

    await client.call('threads', undefined);
    client.sendEvent('hello', { a: 1 });
    const evaluated = await client.call('evaluate', { expression: 'x', frameId: 3 });
    await settle();

    expect(tracer.requests.map((r) => [r.seq, r.command])).toEqual([
      [1, 'threads'],
      [3, 'evaluate'],
    ]);
    expect(tracer.requests[0]).not.toHaveProperty('arguments');
    expect(tracerEvents).toEqual([{ seq: 2, type: 'event', event: 'hello', body: { a: 1 } }]);
    expect(evaluated.body.result).toBe('{"expression":"x","frameId":3}');
  });

  it('matches out-of-order responses to their requests', async () => {
    const { client, tracer } = setup();
    tracer.on('slow', async () => {
      await delay(30);
      return { which: 'slow' };
    });
    tracer.on('fast', () => ({ which: 'fast' }));
    const slow = client.sendRequest('slow');
    const fast = client.sendRequest('fast');
    expect(client.pendingCount).toBe(2);
    const order: string[] = [];
    const [s, f] = await Promise.all([
      slow.then((r) => (order.push('slow'), r)),
      fast.then((r) => (order.push('fast'), r)),
    ]);
    expect(order).toEqual(['fast', 'slow']);
    expect([s.request_seq, s.command, s.body]).toEqual([1, 'slow', { which: 'slow' }]);
    expect([f.request_seq, f.command, f.body]).toEqual([2, 'fast', { which: 'fast' }]);
    expect(client.pendingCount).toBe(0);
  });

  it('resolves success:false in sendRequest and rejects it in call', async () => {
    const { client, tracer } = setup();
    tracer.on('evaluate', () => ({ error: 'name x is not defined' }));
    const response = await client.sendRequest('evaluate', { expression: 'x' });
    expect(response).toMatchObject({ success: false, message: 'name x is not defined' });

    const error = await client.call('evaluate', { expression: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DapRequestError);
    expect((error as DapRequestError).message).toBe(
      '"evaluate" request failed: name x is not defined',
    );
    expect((error as DapRequestError).response.success).toBe(false);
  });

  it('builds the call error from body.error.format and its variables', async () => {
    const { client, tracer } = setup();
    tracer.on('stackTrace', (_args, request) => {
      tracer.connection.sendResponse(
        request,
        {
          error: {
            id: 1,
            format: 'thread {id} is {state}',
            variables: { id: '7', state: 'running' },
          },
        },
        'notStopped',
      );
      return NO_RESPONSE;
    });
    const error = await client.call('stackTrace', { threadId: 7 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('"stackTrace" request failed: thread 7 is running');
  });

  it('times out with a clear message, forgets the request and drops the late response', async () => {
    const { client, tracer, lines } = setup();
    tracer.on('stackTrace', () => NO_RESPONSE);
    const requestArrived = tracer.nextRequest('stackTrace');
    const error = await client
      .sendRequest('stackTrace', { threadId: 1 }, { timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DapTimeoutError);
    expect((error as Error).message).toBe('"stackTrace" request timed out after 30 ms');
    expect(client.pendingCount).toBe(0);

    tracer.respond(await requestArrived, { stackFrames: [] });
    await settle();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'dropped response to no pending request (late or unknown)',
        fields: { command: 'stackTrace', request_seq: 1 },
      }),
    );
    expect(client.isClosed).toBe(false);
  });

  it('applies the connection default timeout, and timeoutMs 0 means none', async () => {
    const { client, tracer } = setup({ requestTimeoutMs: 20 });
    tracer.on('threads', () => NO_RESPONSE);
    tracer.on('attach', async () => {
      await delay(60);
      return undefined;
    });
    const threads = client.sendRequest('threads').catch((e: unknown) => e);
    const attach = client.call(
      'attach',
      { justMyCode: false } as DebugProtocol.AttachRequestArguments,
      {
        timeoutMs: 0,
      },
    );
    expect(((await threads) as Error).message).toBe('"threads" request timed out after 20 ms');
    await expect(attach).resolves.toMatchObject({ success: true, command: 'attach' });
  });

  it('rejects a negative or infinite timeout', () => {
    const [a] = createDuplexPair();
    expect(() => new DapConnection(a, { name: 'x', requestTimeoutMs: -1 })).toThrow(RangeError);
    a.destroy();
  });
});

describe('DapConnection: closing', () => {
  it('close() rejects every pending request, fires onClose once, refuses new sends', async () => {
    const { client, tracer } = setup();
    tracer.on('pause', () => NO_RESPONSE);
    const closes: string[] = [];
    client.onClose((reason) => closes.push(reason));
    const pending = [1, 2, 3].map((threadId) =>
      client.sendRequest('pause', { threadId }).catch((e: unknown) => e),
    );
    expect(client.pendingCount).toBe(3);
    client.close('the user ended the session');
    client.close('again');
    const errors = await Promise.all(pending);
    for (const error of errors) {
      expect(error).toBeInstanceOf(DapConnectionClosedError);
      expect((error as Error).message).toBe(
        '"pause" request failed: connection fake-client closed: the user ended the session',
      );
    }
    expect(closes).toEqual(['the user ended the session']);
    expect(client.isClosed).toBe(true);
    expect(client.pendingCount).toBe(0);
    await expect(client.sendRequest('threads')).rejects.toBeInstanceOf(DapConnectionClosedError);
    expect(client.sendEvent('late')).toBe(false);
  });

  it('calls an onClose listener registered after the close with the reason', async () => {
    const { client } = setup();
    client.close('done');
    const reason = await new Promise<string>((resolve) => client.onClose(resolve));
    expect(reason).toBe('done');
  });

  it('delivers a response sent just before the peer ended, then closes', async () => {
    const { client, tracer } = setup();
    tracer.on('disconnect', (_args, request) => {
      tracer.respond(request);
      tracer.end();
      return NO_RESPONSE;
    });
    const closed = new Promise<string>((resolve) => client.onClose(resolve));
    await expect(client.sendRequest('disconnect')).resolves.toMatchObject({ success: true });
    expect(await closed).toBe('the peer ended the stream');
  });

  it('rejects pending requests when the peer drops the connection', async () => {
    const { client, tracer } = setup();
    tracer.on('next', () => NO_RESPONSE);
    const next = client.sendRequest('next', { threadId: 1 }).catch((e: unknown) => e);
    await tracer.nextRequest();
    tracer.drop();
    const error = await next;
    expect(error).toBeInstanceOf(DapConnectionClosedError);
    expect(client.isClosed).toBe(true);
  });

  it('closes on a framing error from the peer, delivering what came before it', async () => {
    const { client, tracer, lines } = setup();
    tracer.on('threads', () => NO_RESPONSE);
    const events: string[] = [];
    client.onEvent((event) => events.push(event.event));
    const threads = client.sendRequest('threads').catch((e: unknown) => e);
    await tracer.nextRequest();
    tracer.writeRaw(
      Buffer.concat([
        encodeDapMessage({ seq: 1, type: 'event', event: 'output' }),
        Buffer.from('content-length: 2\r\n\r\n{}'),
      ]),
    );
    const error = await threads;
    expect(error).toBeInstanceOf(DapConnectionClosedError);
    expect((error as Error).message).toContain(
      'framing error from peer: header line does not match Content-Length: <digits>',
    );
    expect(events).toEqual(['output']);
    expect(client.isClosed).toBe(true);
    expect(lines.some((l) => l.level === 'error' && l.message.startsWith('framing error'))).toBe(
      true,
    );
  });

  it('logs and drops well-framed messages that are not DAP, and keeps working', async () => {
    const { client, tracer, lines } = setup();
    tracer.on('threads', () => ({ threads: [] }));
    for (const junk of [
      { seq: 1, type: 'bogus' },
      { type: 'event', event: 'x' },
      { seq: 2, type: 'event' },
      { seq: 3, type: 'response', request_seq: 999, success: true, command: 'x' },
      { seq: 4, type: 'response', request_seq: 1, command: 'x' },
    ]) {
      tracer.writeRaw(encodeDapMessage(junk));
    }
    await settle();
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(5);
    await expect(client.call('threads', undefined)).resolves.toMatchObject({
      body: { threads: [] },
    });
  });
});

describe('DapConnection: events and reverse requests', () => {
  it('delivers events in wire order', async () => {
    const { client, tracer } = setup();
    const seen: unknown[] = [];
    client.onEvent((event) => seen.push(event.body));
    for (let i = 0; i < 100; i++) tracer.sendEvent('output', i);
    await settle();
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('lets code awaiting a response finish before a later event is delivered', async () => {
    const { client, tracer } = setup();
    const order: string[] = [];
    client.onEvent((event) => order.push(`event ${event.event}`));
    tracer.on('continue', (_args, request) => {
      // Response and event in one chunk, as debugpy often writes them.
      tracer.writeRaw(
        Buffer.concat([
          encodeDapMessage({
            seq: 10,
            type: 'response',
            request_seq: request.seq,
            success: true,
            command: 'continue',
          }),
          encodeDapMessage({
            seq: 11,
            type: 'event',
            event: 'stopped',
            body: { reason: 'breakpoint' },
          }),
        ]),
      );
      return NO_RESPONSE;
    });
    await client.sendRequest('continue', { threadId: 1 }).then(async () => {
      await Promise.resolve();
      await Promise.resolve();
      order.push('continue response handled');
    });
    await settle();
    expect(order).toEqual(['continue response handled', 'event stopped']);
  });

  it('keeps delivering to other listeners when one throws, and unsubscribes', async () => {
    const { client, tracer, lines } = setup();
    const good: string[] = [];
    client.onEvent(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = client.onEvent((event) => good.push(event.event));
    tracer.sendEvent('a');
    tracer.sendEvent('b');
    await settle();
    unsubscribe();
    tracer.sendEvent('c');
    await settle();
    expect(good).toEqual(['a', 'b']);
    expect(lines.filter((l) => l.message === 'event listener threw')).toHaveLength(3);
  });

  it('passes reverse requests to onRequest and sends the response', async () => {
    const { client, tracer } = setup();
    client.onRequest((request) => {
      client.sendResponse(request, { processId: 42 });
    });
    const response = await tracer.connection.sendRequest('runInTerminal', { args: ['python'] });
    expect(response).toMatchObject({
      success: true,
      command: 'runInTerminal',
      body: { processId: 42 },
    });
  });

  it('answers a reverse request with an error when nobody listens', async () => {
    const { tracer } = setup();
    const response = await tracer.connection.sendRequest('startDebugging', {});
    expect(response).toMatchObject({
      success: false,
      message: 'request "startDebugging" is not handled',
    });
  });
});
