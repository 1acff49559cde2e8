/**
 * The crashes of issue 17, each reproduced against `periscope relay` as a server runs it (its own
 * process): one hostile input, then the relay must still run, still serve a new client, and have
 * logged no unhandled rejection (the last-resort guard's line means a bug reached it).
 * 1. an `exited` event whose `exitCode` cannot be turned into a string, then the tracer leaves;
 * 2. WebSocket protocol errors from an authenticated client (no `error` listener used to end the
 *    process);
 * 3. deeply nested JSON from a tracer, which `JSON.stringify` cannot serialise on the way on.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UNHANDLED_REJECTION_MESSAGE } from '../../../src-main/cli/last-resort-guard.js';
import {
  buildCli,
  startRelayProcess,
  type AppSocket,
  type BuiltCli,
  type RelayProcess,
} from '../../harness/relay-process.js';
import {
  deepJson,
  HostileTracer,
  SILENT,
  type HostileAnswer,
} from '../../fixtures/hostile-tracer.js';

let built: BuiltCli;
let relay: RelayProcess;

beforeAll(async () => {
  built = await buildCli();
});

// A relay of its own for each input, so each reproduction fails or passes by itself.
beforeEach(async () => {
  relay = await startRelayProcess(built, ['--log-level', 'warn']);
});

afterEach(async () => {
  await relay?.stop();
});

afterAll(async () => {
  await built?.dispose();
});

/** The relay runs, a new client gets the session list, and no bug reached the guard. */
async function expectRelayServing(): Promise<void> {
  await new Promise((r) => setTimeout(r, 200));
  expect(relay.alive(), `the relay exited; its log:\n${relay.log().slice(-3000)}`).toBe(true);
  const probe = await relay.connectClient();
  const reply = await probe.app('sessions.list');
  probe.close();
  expect(reply.ok).toBe(true);
  expect(relay.log()).not.toContain(UNHANDLED_REJECTION_MESSAGE);
}

interface SessionRow {
  id: string;
  state: string;
  endReason?: string;
}

async function sessions(client: AppSocket): Promise<SessionRow[]> {
  const reply = await client.app('sessions.list');
  return (reply.result as { sessions: SessionRow[] }).sessions;
}

/** Dials a hostile tracer and waits until the relay made a session of it. */
async function hostileSession(
  client: AppSocket,
  answer: HostileAnswer = (command) => (command === 'pydevdSystemInfo' ? undefined : SILENT),
): Promise<{ tracer: HostileTracer; sessionId: string }> {
  const before = new Set((await sessions(client)).map((s) => s.id));
  const tracer = await HostileTracer.dial(relay.tracerPort, answer);
  await tracer.waitForCommand('initialize');
  for (let i = 0; i < 200; i++) {
    const fresh = (await sessions(client)).find((s) => !before.has(s.id));
    if (fresh) return { tracer, sessionId: fresh.id };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no session for the hostile tracer');
}

describe('crash 1: an exited event whose exitCode is not a number', () => {
  it('ends the session with the reason, and the relay runs on', async () => {
    const client = await relay.connectClient();
    const { tracer, sessionId } = await hostileSession(client);
    // `${exitCode}` of this object throws: neither toString nor valueOf is callable.
    tracer.rawBody(
      '{"seq":1,"type":"event","event":"exited","body":{"exitCode":{"toString":null,"valueOf":null}}}',
    );
    await tracer.end();
    let row: SessionRow | undefined;
    for (let i = 0; i < 100 && row?.state !== 'ended'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (!relay.alive()) break;
      row = (await sessions(client)).find((s) => s.id === sessionId);
    }
    expect(relay.alive()).toBe(true);
    expect(row).toMatchObject({ state: 'ended' });
    expect(row?.endReason).toContain('debugger connection closed');
    client.close();
    await expectRelayServing();
  });
});

/** An authenticated WebSocket opened by hand, to send frames no library would. */
async function rawClientSocket(): Promise<Socket> {
  const socket = connect(relay.clientPort, '127.0.0.1');
  await new Promise((done, fail) => socket.once('connect', done).once('error', fail));
  socket.on('error', () => undefined);
  socket.write(
    [
      'GET /client HTTP/1.1',
      `Host: 127.0.0.1:${relay.clientPort}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      `Origin: http://127.0.0.1:${relay.clientPort}`,
      `Authorization: Bearer ${relay.token}`,
      '',
      '',
    ].join('\r\n'),
  );
  const head = await new Promise<string>((done) =>
    socket.once('data', (d: Buffer) => done(d.toString())),
  );
  expect(head).toMatch(/^HTTP\/1\.1 101/);
  return socket;
}

const MASK = [1, 2, 3, 4];
/** A masked client frame: first byte, then `payload` masked. */
function masked(first: number, payload: number[]): Buffer {
  return Buffer.from([
    first,
    0x80 | payload.length,
    ...MASK,
    ...payload.map((b, i) => b ^ (MASK[i % 4] ?? 0)),
  ]);
}

const BAD_FRAMES: [string, Buffer][] = [
  ['an unmasked frame', Buffer.from([0x81, 0x02, 0x68, 0x69])],
  ['invalid UTF-8 in a text frame', masked(0x81, [0xff, 0xfe])],
  [
    'a frame announcing more than the size limit',
    Buffer.from([0x81, 0x80 | 127, 0, 0, 1, 0, 0, 0, 0, 0, ...MASK]),
  ],
  ['a close frame with an invalid code', masked(0x88, [0x03, 0xe7])],
  ['a reserved opcode', masked(0x83, [])],
  ['RSV1 set with no extension', masked(0xc1, [0x61])],
  ['a fragmented control frame', masked(0x09, [])],
];

describe('crash 2: WebSocket protocol errors from an authenticated client', () => {
  for (const [what, frame] of BAD_FRAMES) {
    it(`drops that client only on ${what}`, async () => {
      const socket = await rawClientSocket();
      const closed = new Promise((done) => socket.once('close', done));
      socket.write(frame);
      await closed;
      await expectRelayServing();
    });
  }
});

describe('crash 3: deeply nested JSON from a tracer', () => {
  it('drops a deep output event with a client joined, and later output still arrives', async () => {
    const client = await relay.connectClient();
    const { tracer, sessionId } = await hostileSession(client);
    expect((await client.app('session.join', { sessionId })).ok).toBe(true);
    tracer.rawBody(
      `{"seq":5,"type":"event","event":"output","body":{"category":"stdout","output":"x","data":${deepJson(100_000)}}}`,
    );
    tracer.event('output', { category: 'stdout', output: 'after the deep one\n' });
    const output = await client.waitFor(
      (m) =>
        m.event === 'session.output' &&
        (m.body as { text?: string }).text === 'after the deep one\n',
    );
    expect(output).toBeDefined();
    client.close();
    await tracer.end();
    await expectRelayServing();
  });

  it('drops a deep stopped body, so a client configurationDone still gets its answer', async () => {
    const client = await relay.connectClient();
    const { tracer, sessionId } = await hostileSession(client);
    expect((await client.app('session.join', { sessionId })).ok).toBe(true);
    tracer.rawBody(
      `{"seq":5,"type":"event","event":"stopped","body":{"reason":"pause","threadId":1,"x":${deepJson(100_000)}}}`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const answer = await client.dap(sessionId, 1, 'configurationDone', {});
    expect(answer.success).toBe(true);
    client.close();
    await tracer.end();
    await expectRelayServing();
  });

  it('refuses deep capabilities, so a DAP client joining later is not hurt', async () => {
    const client = await relay.connectClient();
    // A tracer that goes through the whole handshake, with deep capabilities.
    const { tracer, sessionId } = await hostileSession(client, (command, _args, self) => {
      if (command === 'pydevdSystemInfo') return undefined;
      if (command === 'initialize') {
        self.rawBody(
          `{"seq":2,"type":"response","request_seq":2,"command":"initialize","success":true,"body":{"supportsConfigurationDoneRequest":true,"x":${deepJson(100_000)}}}`,
        );
        return SILENT;
      }
      return {};
    });
    await new Promise((r) => setTimeout(r, 300));
    const endpoint = await client.app('session.dapEndpoint.open', { sessionId });
    expect(endpoint.ok).toBe(true);
    if (endpoint.ok) {
      const port = (endpoint.result as { endpoint: { port: number } }).endpoint.port;
      const dap = await HostileTracer.dial(port);
      dap.rawBody(
        '{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"x"}}',
      );
      await new Promise((r) => setTimeout(r, 300));
      await dap.end();
    }
    client.close();
    await tracer.end();
    await expectRelayServing();
  });
});
