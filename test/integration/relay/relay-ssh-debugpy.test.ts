/**
 * The relay end to end on the Node side, with the real things: an OpenSSH sshd on loopback, the
 * program launched under a real debugpy over SSH, a local forward, the attach handshake, and a
 * client speaking the client protocol. Host keys: known, unknown (asked, trusted), changed.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { generateKeyPair, startSshd, type TestSshd } from '../../harness/sshd.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';

const program = resolve('test/fixtures/programs/counter.py');
const TOTAL_LINE = 14;

describe('relay over a real sshd and a real debugpy', () => {
  let sshd: TestSshd;
  let root: string;
  let dataDir: string;
  let knownHosts: string;
  let profile: Profile;
  let relay: Backend;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  beforeEach(async (context) => {
    root = await mkdtemp(join(tmpdir(), 'periscope-relay-it-'));
    // The host key starts unknown: these tests answer the question (or not); what the user
    // accepts goes to the backend's own known_hosts, consulted second.
    ({ relay, profile, dataDir, knownHosts } = await loopbackRelay(root, sshd, {
      knownHost: false,
      backend: {
        knownHostsFiles: [join(root, 'known_hosts'), join(root, 'data', 'known_hosts')],
      },
    }));
    context.onTestFinished(async () => {
      await relay.close();
      await rm(root, { recursive: true, force: true });
    });
  });

  function connect(autoTrust: boolean | undefined): RelayTestClient {
    const client = new RelayTestClient();
    relay.connectClient(client);
    if (autoTrust !== undefined) {
      client.onHostKeyPrompt = (m) => {
        if (m.type === 'app-event' && m.event === 'hostKey.prompt') {
          const { promptId } = m.body as { promptId: string };
          setTimeout(
            () =>
              client.sendRaw(
                JSON.stringify({
                  type: 'app',
                  id: 99_999,
                  method: 'hostKey.answer',
                  params: { promptId, accept: autoTrust },
                }),
              ),
            0,
          );
        }
      };
    }
    return client;
  }

  const launchParams = (breakpoints: DebugProtocol.SourceBreakpoint[]) => ({
    profileId: profile.id,
    target: { kind: 'file' as const, path: program },
    args: ['3'],
    cwd: '',
    breakpoints: [{ path: program, breakpoints }],
  });

  it('launches over SSH, stops at a breakpoint, inspects, evaluates, and runs to the end', async () => {
    await writeFile(knownHosts, sshd.knownHostsLine() + '\n');
    const client = connect(undefined);
    const stopped = client.appEvent(
      'sessions.changed',
      (b) => b.sessions[0]?.state === 'stopped',
      60_000,
    );
    const { session } = await client.app('session.launch', launchParams([{ line: TOTAL_LINE }]));
    expect(
      client.received.some((m) => m.type === 'app-event' && m.event === 'hostKey.prompt'),
    ).toBe(false);
    const sessionId = session.id;
    await stopped;
    const stoppedEvent = await client.dapEvent(sessionId, 'stopped', 30_000, 0);
    expect(stoppedEvent.body).toMatchObject({ reason: 'breakpoint' });
    const threadId = (stoppedEvent.body as DebugProtocol.StoppedEvent['body']).threadId ?? 0;

    const stack = await client.dap(sessionId, 1, 'stackTrace', {
      threadId,
      startFrame: 0,
      levels: 20,
    });
    const frames = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames;
    expect(frames[0]).toMatchObject({ name: 'main', line: TOTAL_LINE, source: { path: program } });

    const scopes = await client.dap(sessionId, 2, 'scopes', { frameId: frames[0]?.id });
    const locals = (scopes.body as DebugProtocol.ScopesResponse['body']).scopes[0];
    expect(locals?.name).toMatch(/locals/i);
    const variables = await client.dap(sessionId, 3, 'variables', {
      variablesReference: locals?.variablesReference,
    });
    const byName = Object.fromEntries(
      (variables.body as DebugProtocol.VariablesResponse['body']).variables.map((v) => [
        v.name,
        v.value,
      ]),
    );
    expect(byName).toMatchObject({ step: '1', total: '0', steps: '3' });

    const evaluation = await client.dap(sessionId, 4, 'evaluate', {
      expression: 'total + step * 100',
      frameId: frames[0]?.id,
      context: 'repl',
    });
    expect((evaluation.body as DebugProtocol.EvaluateResponse['body']).result).toBe('100');

    // The program runs with the TCP_NODELAY hook, and debugpy's adapter removed the hook's files.
    const hook = await client.dap(sessionId, 40, 'evaluate', {
      expression:
        "__import__('socket').socket.connect.__module__ + ' ' + __import__('sitecustomize').__file__",
      frameId: frames[0]?.id,
      context: 'repl',
    });
    const [module, hookFile] = ((hook.body as DebugProtocol.EvaluateResponse['body']).result ?? '')
      .replace(/'/g, '')
      .split(' ');
    expect(module).toBe('sitecustomize');
    // …and pydevd's paused-thread poll is the wakeable one.
    const poll = await client.dap(sessionId, 41, 'evaluate', {
      expression: "type(__import__('pydevd').time).__name__",
      frameId: frames[0]?.id,
      context: 'repl',
    });
    expect((poll.body as DebugProtocol.EvaluateResponse['body']).result).toBe("'_WakeableTime'");
    expect(existsSync(hookFile ?? '')).toBe(false);

    // Clear the breakpoint and run to the end; the program's output arrives over SSH.
    const cleared = await client.dap(sessionId, 5, 'setBreakpoints', {
      source: { path: program },
      breakpoints: [],
    });
    expect(cleared.success).toBe(true);
    const ended = client.appEvent(
      'sessions.changed',
      (b) => b.sessions[0]?.state === 'ended',
      30_000,
    );
    await client.dap(sessionId, 6, 'continue', { threadId });
    const { sessions } = await ended;
    expect(sessions[0]?.endReason).toContain('exit code 0');
    await expect
      .poll(() => client.output(sessionId), { timeout: 10_000 })
      .toContain('done, total=6');
    expect(client.output(sessionId)).toContain('finished without error');
  });

  it('asks about an unknown host key with its SHA256 fingerprint and remembers a trusted key', async () => {
    const client = connect(true);
    const prompt = client.appEvent('hostKey.prompt');
    const { session } = await client.app('session.launch', launchParams([]));
    const question = await prompt;
    const expected = execFileSync('ssh-keygen', ['-lf', `${sshd.hostKeyPath}.pub`], {
      encoding: 'utf8',
    }).split(' ')[1];
    expect(question).toMatchObject({
      host: '127.0.0.1',
      port: sshd.port,
      keyType: sshd.hostKeyType,
      fingerprint: expected,
    });
    await client.app('session.close', { sessionId: session.id });
    expect(await readFile(join(dataDir, 'known_hosts'), 'utf8')).toContain(
      `[127.0.0.1]:${sshd.port}`,
    );

    // Next time the key is known: no question.
    const again = connect(false);
    const { session: second } = await again.app('session.launch', launchParams([]));
    expect(again.received.some((m) => m.type === 'app-event' && m.event === 'hostKey.prompt')).toBe(
      false,
    );
    await again.app('session.close', { sessionId: second.id });
  });

  it('refuses an unknown host key the user rejects', async () => {
    const client = connect(false);
    const response = await client.appRaw('session.launch', launchParams([]));
    expect(response.ok).toBe(false);
    expect(!response.ok && response.error.code).toBe('host-key-rejected');
    expect((await client.app('sessions.list', {})).sessions).toHaveLength(0);
  });

  it('refuses a changed host key without asking', async () => {
    const other = await generateKeyPair(root, 'other-host-key');
    await appendFile(knownHosts, `[127.0.0.1]:${sshd.port} ${other.publicKeyLine}\n`);
    const client = connect(true);
    const response = await client.appRaw('session.launch', launchParams([]));
    expect(response.ok).toBe(false);
    expect(!response.ok && response.error.code).toBe('host-key-changed');
    expect(!response.ok && response.error.message).toMatch(/changed/i);
    expect(
      client.received.some((m) => m.type === 'app-event' && m.event === 'hostKey.prompt'),
    ).toBe(false);
  });
});
