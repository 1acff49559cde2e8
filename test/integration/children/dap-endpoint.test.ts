/**
 * A DAP client (VS Code, nvim-dap) on a session's DAP endpoint is offered the program's child
 * processes as DAP `startDebugging` reverse requests when it supports them (issue 11), and a
 * connection that attaches with such a configuration is a client of the child's session: it gets
 * the child's stop and can inspect it. Real sshd, real debugpy, a raw DAP client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DapConnection } from '../../../src-main/dap/dap-connection.js';
import { silentLogger } from '../../../src-main/log/logger.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

const program = resolve('test/fixtures/programs/pool_map.py');
const WORK_LINE = 8;

/** A DAP client connection to 127.0.0.1:`port`, with the events it got. */
async function dapClient(port: number, name: string) {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((done, fail) => socket.once('connect', done).once('error', fail));
  const connection = new DapConnection(socket, { name, logger: silentLogger });
  const events: DebugProtocol.Event[] = [];
  connection.onEvent((e) => events.push(e));
  return { connection, events };
}

describe('child processes through the DAP endpoint', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let profile: Profile;

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-dap-children-'));
    ({ relay, profile } = await loopbackRelay(root, sshd));
  });
  afterAll(async () => {
    await relay?.close();
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('offers each child with startDebugging; attaching with it joins the child', async () => {
    const ui = new RelayTestClient();
    relay.connectClient(ui);
    const { session } = await ui.app('session.launch', {
      profileId: profile.id,
      target: { kind: 'file', path: program },
      args: ['fork'],
      cwd: '',
      breakpoints: [{ path: program, breakpoints: [{ line: WORK_LINE }] }],
    });
    const stop = await ui.anyDapEvent('stopped', 30_000, 0);
    const { endpoint } = await ui.app('session.dapEndpoint.open', { sessionId: session.id });

    const parent = await dapClient(endpoint.port, 'parent');
    const offers: DebugProtocol.StartDebuggingRequestArguments[] = [];
    parent.connection.onRequest((request) => {
      if (request.command === 'startDebugging') {
        offers.push(request.arguments as DebugProtocol.StartDebuggingRequestArguments);
        parent.connection.sendResponse(request, {});
      } else parent.connection.sendResponse(request, undefined, 'no');
    });
    await parent.connection.sendRequest('initialize', {
      adapterID: 'debugpy',
      clientID: 'test',
      supportsStartDebuggingRequest: true,
    });
    await parent.connection.sendRequest('attach', {});
    await parent.connection.sendRequest('configurationDone', {});
    await expect.poll(() => offers.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(offers.every((o) => o.request === 'attach')).toBe(true);
    const offer = offers.find(
      (o) => (o.configuration as Record<string, unknown>).__periscopeSession === stop.sessionId,
    );
    expect(offer).toBeDefined();

    // The client starts the child session as VS Code does: a new connection, same endpoint.
    const child = await dapClient(endpoint.port, 'child');
    await child.connection.sendRequest('initialize', { adapterID: 'debugpy', clientID: 'test' });
    await child.connection.sendRequest('attach', offer!.configuration);
    await child.connection.sendRequest('configurationDone', {});
    await expect
      .poll(() => child.events.find((e) => e.event === 'stopped'), { timeout: 10_000 })
      .toBeDefined();
    const threadId = (child.events.find((e) => e.event === 'stopped') as DebugProtocol.StoppedEvent)
      .body.threadId!;
    const stack = await child.connection.sendRequest('stackTrace', { threadId });
    const top = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
    expect(top).toMatchObject({ name: 'work', line: WORK_LINE });
    const info = relay.listSessions().find((s) => s.id === stop.sessionId)!;
    expect(info.clients?.some((c) => c.kind === 'dap')).toBe(true);

    child.connection.close('done');
    parent.connection.close('done');
    await ui.app('session.close', { sessionId: session.id });
  }, 90_000);
});
