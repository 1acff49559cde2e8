import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  ClientMessage,
  RelayMessage,
} from '../../../../src-common/protocol/client-protocol.js';
import { RelayClient, RelayRequestError } from '../../../../src-renderer/backend/relay-client.js';
import type {
  RelayTransport,
  RelayTransportHandlers,
} from '../../../../src-renderer/backend/relay-transport.js';

class FakeTransport implements RelayTransport {
  handlers: RelayTransportHandlers | null = null;
  sent: ClientMessage[] = [];
  connect(handlers: RelayTransportHandlers): void {
    this.handlers = handlers;
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text) as ClientMessage);
  }
  close(): void {}
  open(): void {
    this.handlers?.onOpen();
  }
  deliver(message: RelayMessage): void {
    this.handlers?.onMessage(JSON.stringify(message));
  }
}

function connected(timeoutMs?: number): { client: RelayClient; transport: FakeTransport } {
  const transport = new FakeTransport();
  const client = new RelayClient(transport, timeoutMs === undefined ? {} : { timeoutMs });
  client.connect();
  transport.open();
  return { client, transport };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RelayClient', () => {
  it('correlates app responses by id, out of order', async () => {
    const { client, transport } = connected();
    const a = client.request('profiles.list', {});
    const b = client.request('sessions.list', {});
    const [ma, mb] = transport.sent;
    expect(ma).toMatchObject({ type: 'app', method: 'profiles.list' });
    expect(mb).toMatchObject({ type: 'app', method: 'sessions.list' });
    if (ma?.type !== 'app' || mb?.type !== 'app') throw new Error('expected app requests');
    expect(ma.id).not.toBe(mb.id);
    transport.deliver({ type: 'app-response', id: mb.id, ok: true, result: { sessions: [] } });
    transport.deliver({ type: 'app-response', id: ma.id, ok: true, result: { profiles: [] } });
    await expect(a).resolves.toEqual({ profiles: [] });
    await expect(b).resolves.toEqual({ sessions: [] });
  });

  it('rejects a failed app response with its code and message', async () => {
    const { client, transport } = connected();
    const p = client.request('profiles.delete', { id: 'x' });
    const sent = transport.sent[0];
    if (sent?.type !== 'app') throw new Error('expected app request');
    transport.deliver({
      type: 'app-response',
      id: sent.id,
      ok: false,
      error: { code: 'not-found', message: 'No profile x.' },
    });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelayRequestError);
    expect(err).toMatchObject({ code: 'not-found', message: 'No profile x.' });
  });

  it('numbers DAP requests itself and matches responses per session and request_seq', async () => {
    const { client, transport } = connected();
    const first = client.dapRequest('s1', 'threads');
    const second = client.dapRequest('s2', 'stackTrace', { threadId: 1 });
    const [m1, m2] = transport.sent;
    if (m1?.type !== 'dap' || m2?.type !== 'dap') throw new Error('expected dap requests');
    expect(m2.message).toMatchObject({
      type: 'request',
      command: 'stackTrace',
      arguments: { threadId: 1 },
    });
    expect(m2.message.seq).toBeGreaterThan(m1.message.seq);
    // A response with the right seq but for another session does not settle it.
    transport.deliver({
      type: 'dap',
      sessionId: 's2',
      message: {
        seq: 5,
        type: 'response',
        request_seq: m1.message.seq,
        success: true,
        command: 'threads',
      },
    });
    transport.deliver({
      type: 'dap',
      sessionId: 's2',
      message: {
        seq: 6,
        type: 'response',
        request_seq: m2.message.seq,
        success: true,
        command: 'stackTrace',
        body: { stackFrames: [] },
      },
    });
    await expect(second).resolves.toMatchObject({
      command: 'stackTrace',
      body: { stackFrames: [] },
    });
    transport.deliver({
      type: 'dap',
      sessionId: 's1',
      message: {
        seq: 7,
        type: 'response',
        request_seq: m1.message.seq,
        success: false,
        command: 'threads',
        message: 'nope',
      },
    });
    await expect(first).resolves.toMatchObject({ success: false, message: 'nope' });
  });

  it('delivers DAP events and app events to listeners', () => {
    const { client, transport } = connected();
    const dap: string[] = [];
    const prompts: string[] = [];
    client.onDapEvent((sessionId, event) => dap.push(`${sessionId}:${event.event}`));
    const off = client.onAppEvent('hostKey.prompt', (body) => prompts.push(body.fingerprint));
    transport.deliver({
      type: 'dap',
      sessionId: 's1',
      message: { seq: 1, type: 'event', event: 'stopped' },
    });
    const prompt: RelayMessage = {
      type: 'app-event',
      event: 'hostKey.prompt',
      body: {
        promptId: 'p',
        host: 'h',
        port: 22,
        keyType: 'ssh-ed25519',
        fingerprint: 'SHA256:abc',
      },
    };
    transport.deliver(prompt);
    off();
    transport.deliver(prompt);
    expect(dap).toEqual(['s1:stopped']);
    expect(prompts).toEqual(['SHA256:abc']);
  });

  it('rejects everything pending when the link drops and reports lost', async () => {
    const { client, transport } = connected();
    const states: string[] = [];
    client.onStateChange((s) => states.push(s));
    const launch = client.request('session.launch', {
      profileId: 'p',
      target: { kind: 'file', path: 'x.py' },
      args: [],
      cwd: '',
      breakpoints: [],
    });
    const dap = client.dapRequest('s1', 'threads');
    transport.handlers?.onClose('gone');
    await expect(launch).rejects.toMatchObject({ code: 'disconnected' });
    await expect(dap).rejects.toMatchObject({ code: 'disconnected' });
    expect(states).toEqual(['lost']);
    await expect(client.request('profiles.list', {})).rejects.toMatchObject({
      code: 'disconnected',
    });
  });

  it('times out DAP requests but never session.launch', async () => {
    vi.useFakeTimers();
    const { client } = connected(1000);
    const dap = client.dapRequest('s1', 'threads');
    const dapResult = dap.catch((e: unknown) => e);
    let launchSettled = false;
    void client
      .request('session.launch', {
        profileId: 'p',
        target: { kind: 'module', module: 'http.server' },
        args: [],
        cwd: '',
        breakpoints: [],
      })
      .finally(() => {
        launchSettled = true;
      })
      .catch(() => undefined);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await dapResult).toMatchObject({ code: 'timeout' });
    expect(launchSettled).toBe(false);
  });

  it('ignores malformed relay messages', () => {
    const { transport } = connected();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => transport.handlers?.onMessage('not json')).not.toThrow();
    expect(() => transport.handlers?.onMessage('42')).not.toThrow();
    warn.mockRestore();
  });
});
