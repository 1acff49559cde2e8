/**
 * Attach by PID never harms the program (issue 10), against the real sshd, real debugpy, real
 * gdb and lldb: the injector is proved on a throwaway process first, so an injector that fails
 * or even kills its target never reaches the user's process, and the next one is used. Programs
 * are started over SSH by the test, as someone on the machine would; fake injectors come first
 * on the PATH of the profile's environment.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { overSsh } from '../../harness/over-ssh.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../../harness/sshd.js';

const LOOP_LINE = 6; // `n += 1`
const LOOP = `import sys, time
n = 0
print("looping", flush=True)
while True:
    time.sleep(0.05)
    n += 1
    if n % 4 == 0:
        print("tick", n, flush=True)
`;

describe('attach by pid, never harming the program', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let store: ProfileStore;
  let good: Profile;
  let client: RelayTestClient;
  let program: string;
  let fakes: string;
  let other: TestUser | undefined;
  const started: number[] = [];

  const ssh = (command: string): Promise<string> => overSsh(sshd, command);

  /** Starts the loop program over SSH with its output in `<root>/<name>.out`; its pid. */
  async function startLoop(name: string, as = ''): Promise<{ pid: number; out: string }> {
    const out = join(root, `${name}.out`);
    const command = `/usr/bin/python3 ${program}`;
    const user = as ? `runuser -u ${as} -- ` : '';
    const pid = Number((await ssh(`${user}nohup ${command} >${out} 2>&1 & echo $!`)).trim());
    started.push(pid);
    await expect
      .poll(() => readFile(out, 'utf8').catch(() => ''), { timeout: 10_000 })
      .toContain('looping');
    return { pid, out };
  }

  const alive = async (pid: number): Promise<boolean> =>
    (await ssh(`kill -0 ${pid} 2>/dev/null && echo alive || echo gone`)).trim() === 'alive';

  /** The program still prints: its output grows over half a second. */
  async function stillPrints(out: string): Promise<boolean> {
    const before = (await readFile(out, 'utf8')).length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    return (await readFile(out, 'utf8')).length > before;
  }

  /** A profile whose PATH puts the fake `gdb`/`lldb` of `dir` first. */
  function withFakes(name: string, dir: string): Promise<Profile> {
    return store.save({
      ...good,
      id: undefined,
      name,
      env: [{ name: 'PATH', value: `${dir}:/usr/bin:/bin` }],
    });
  }

  async function fake(dir: string, name: string, body: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
  }

  beforeAll(async () => {
    // The other user reads its own authorized_keys (the harness's file is root's, mode 0600).
    sshd = await startSshd({
      extraConfig: ['Match User periscope-other', '  AuthorizedKeysFile %h/.ssh/authorized_keys'],
    });
    root = await mkdtemp(join(tmpdir(), 'periscope-attach-pid-'));
    program = join(root, 'loop.py');
    await writeFile(program, LOOP);
    ({ relay, store, profile: good } = await loopbackRelay(root, sshd));
    client = new RelayTestClient();
    relay.connectClient(client);
    fakes = join(root, 'fakes');
    // Exits 1, as a gdb that cannot attach does.
    await fake(join(fakes, 'fails'), 'gdb', 'echo "ptrace: Operation not permitted." >&2\nexit 1');
    // Kills whatever it is pointed at, and notes which pid that was.
    await fake(
      join(fakes, 'kills'),
      'gdb',
      `while [ $# -gt 0 ]; do if [ "$1" = --pid ]; then echo "$2" >> ${join(fakes, 'killed')}; kill -9 "$2"; fi; shift; done\nexit 0`,
    );
    await fake(
      join(fakes, 'none'),
      'gdb',
      `echo "$*" >> ${join(fakes, 'none-gdb')}\necho "ptrace: Operation not permitted." >&2\nexit 1`,
    );
    await fake(
      join(fakes, 'none'),
      'lldb',
      'echo "error: attach failed: lost connection" >&2\nexit 1',
    );
  });
  afterAll(async () => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await relay?.close();
    await sshd?.stop();
    await other?.remove();
    await rm(root, { recursive: true, force: true });
  });

  async function attachAndBreak(profile: Profile, pid: number) {
    const { session } = await client.app('session.attach', {
      profileId: profile.id,
      to: { kind: 'pid', pid },
      breakpoints: [{ path: program, breakpoints: [{ line: LOOP_LINE }] }],
    });
    const stop = (await client.dapEvent(session.id, 'stopped', 30_000))
      .body as DebugProtocol.StoppedEvent['body'];
    expect(stop.reason).toBe('breakpoint');
    return { session, threadId: stop.threadId! };
  }

  it('attaches with an injector proved on this machine; Detach leaves the program printing', async () => {
    const { pid, out } = await startLoop('detach');
    const { session, threadId } = await attachAndBreak(good, pid);
    // The injector that was proved here is named (lldb where gdb cannot inject, as on this CPU).
    expect(session.target).toMatch(new RegExp(`^process ${pid} \\(via (gdb|lldb)\\)$`));
    expect(client.output(session.id)).toMatch(
      new RegExp(`Periscope: debugpy injected into process ${pid} with (gdb|lldb)`),
    );
    const stack = await client.dap(session.id, 101, 'stackTrace', { threadId });
    const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
    expect(frame.line).toBe(LOOP_LINE);
    const n = await client.dap(session.id, 102, 'evaluate', {
      expression: 'n',
      frameId: frame.id,
      context: 'watch',
    });
    expect(Number((n.body as DebugProtocol.EvaluateResponse['body']).result)).toBeGreaterThan(0);

    await client.app('session.detach', { sessionId: session.id });
    expect(await alive(pid)).toBe(true);
    expect(await stillPrints(out)).toBe(true);
  }, 90_000);

  it('Stop on an attach session disconnects without ending the program', async () => {
    const { pid, out } = await startLoop('stop');
    const { session } = await attachAndBreak(good, pid);
    await client.app('session.close', { sessionId: session.id });
    expect(await alive(pid)).toBe(true);
    expect(await stillPrints(out)).toBe(true);
  }, 90_000);

  it('a gdb that fails is never used on the program: lldb attaches instead', async () => {
    const profile = await withFakes('gdb fails', join(fakes, 'fails'));
    const { pid, out } = await startLoop('fails');
    const { session } = await attachAndBreak(profile, pid);
    expect(session.target).toBe(`process ${pid} (via lldb)`);
    expect(client.output(session.id)).toContain(
      'gdb cannot inject here: ptrace: Operation not permitted.',
    );
    await client.app('session.detach', { sessionId: session.id });
    expect(await stillPrints(out)).toBe(true);
  }, 90_000);

  it('a gdb that kills its target only ever kills the throwaway process', async () => {
    const profile = await withFakes('gdb kills', join(fakes, 'kills'));
    const { pid, out } = await startLoop('kills');
    const { session } = await attachAndBreak(profile, pid);
    expect(session.target).toBe(`process ${pid} (via lldb)`);
    const killed = (await readFile(join(fakes, 'killed'), 'utf8')).trim().split('\n').map(Number);
    expect(killed.length).toBeGreaterThan(0);
    expect(killed).not.toContain(pid);
    expect(client.output(session.id)).toMatch(/gdb cannot inject here: .*test process died/);
    await client.app('session.detach', { sessionId: session.id });
    expect(await alive(pid)).toBe(true);
    expect(await stillPrints(out)).toBe(true);
  }, 90_000);

  it('with no injector that works, says why for each and leaves the program untouched', async () => {
    const profile = await withFakes('none works', join(fakes, 'none'));
    const { pid, out } = await startLoop('none');
    const answer = await client.appRaw('session.attach', {
      profileId: profile.id,
      to: { kind: 'pid', pid },
      breakpoints: [],
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'attach-failed' } });
    const message = (answer as { error: { message: string } }).error.message;
    expect(message).toContain('no injector works on');
    expect(message).toContain(`so process ${pid} was not touched`);
    expect(message).toContain('gdb: ptrace: Operation not permitted.');
    expect(message).toContain('lldb: error: attach failed: lost connection');
    expect(message).toContain('sudo apt install lldb');
    expect(message).toContain('-m debugpy --listen 127.0.0.1:5678');
    // Never a byte list or a raw command line.
    expect(message).not.toMatch(/\(\d+, \d+, \d+|DoAttach|--eval-command|Running:/);
    // The fake gdb was pointed only at the throwaway process.
    const pointedAt = await readFile(join(fakes, 'none-gdb'), 'utf8');
    expect(pointedAt).toContain('--pid ');
    expect(pointedAt).not.toMatch(new RegExp(`--pid ${pid}(\\s|$)`));
    expect(await alive(pid)).toBe(true);
    expect(await stillPrints(out)).toBe(true);
  }, 90_000);

  it("names another user's process and a process that is gone", async () => {
    other = await createTestUser('periscope-other', 'unused-password-1');
    const key = (await readFile(`${sshd.userKeyPath}.pub`, 'utf8')).trim();
    await ssh(
      `mkdir -p ~${other.name}/.ssh && echo '${key}' > ~${other.name}/.ssh/authorized_keys && chown -R ${other.name} ~${other.name}/.ssh`,
    );
    const mine = await startLoop('others');
    const asOther = await store.save({ ...good, id: undefined, name: 'other', user: other.name });
    const denied = await client.appRaw('session.attach', {
      profileId: asOther.id,
      to: { kind: 'pid', pid: mine.pid },
      breakpoints: [],
    });
    expect(denied).toMatchObject({ ok: false, error: { code: 'attach-failed' } });
    expect((denied as { error: { message: string } }).error.message).toMatch(
      new RegExp(`process ${mine.pid} belongs to another user.*Log in as that user \\(or root\\)`),
    );
    const gone = await client.appRaw('session.attach', {
      profileId: good.id,
      to: { kind: 'pid', pid: 4_000_000 },
      breakpoints: [],
    });
    expect((gone as { error: { message: string } }).error.message).toBe(
      `Process 4000000 is not running on ${sshd.host}. Pick a running process from the list.`,
    );
    expect(await alive(mine.pid)).toBe(true);
  }, 90_000);
});
