/**
 * launch.json's `sudo` over a real sshd, a real sudo and a real debugpy (issue 18): the SSH user
 * is an ordinary one; sudo's password is asked through the relay's `secret.prompt` (kind `sudo`),
 * checked before the launch (a wrong one is asked again), and the program runs as root with the
 * profile's variables and its own stdin; Stop ends the root processes too. A NOPASSWD rule asks
 * nothing; a user sudo refuses, or a cancelled prompt, gets a named error and no program.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvents } from '../../../src-common/protocol/client-protocol.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { readableCopy } from '../../harness/readable-copy.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../../harness/sshd.js';
import { childrenByName, launchWorld, localsRef, untilStoppedWithLocals } from './debugger-kit.js';

const execFileAsync = promisify(execFile);
const PASSWORD = 'sudo-canary-7f3a';
/** `print("euid", ...)` in as_root.py. */
const PRINT_LINE = 6;
const SUDOERS = '/etc/sudoers.d/periscope-sudo-test';

describe('sudo (launch.json) with a real sudo over SSH', () => {
  let sshd: TestSshd;
  let asker: TestUser;
  let nopasswd: TestUser;
  let outsider: TestUser;
  let dir: string;
  let program: string;

  beforeAll(async () => {
    asker = await createTestUser('periscope-sudo', PASSWORD);
    nopasswd = await createTestUser('periscope-sudonp', 'unused-Password-1');
    outsider = await createTestUser('periscope-nosudo', 'unused-Password-2');
    const users = [asker, nopasswd, outsider].map((u) => u.name);
    // sshd reads authorized_keys as the user: theirs are in their homes.
    sshd = await startSshd({
      extraConfig: [`Match User ${users.join(',')}`, 'AuthorizedKeysFile .ssh/authorized_keys'],
    });
    for (const user of users) await authorizeTestKey(user, `${sshd.userKeyPath}.pub`);
    await writeFile(
      SUDOERS,
      `${asker.name} ALL=(ALL) ALL\n${nopasswd.name} ALL=(ALL) NOPASSWD: ALL\n`,
      { mode: 0o440 },
    );
    // The SSH users must read the program: a world-readable copy.
    program = await readableCopy(resolve('test/fixtures/programs/launch_options/as_root.py'));
    dir = dirname(program);
  });
  afterAll(async () => {
    await rm(SUDOERS, { force: true });
    await sshd?.stop();
    for (const user of [asker, nopasswd, outsider]) await user?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  /** Puts the test key in `user`'s own `~/.ssh/authorized_keys`, owned by the user. */
  async function authorizeTestKey(user: string, publicKey: string): Promise<void> {
    const ssh = `/home/${user}/.ssh`;
    await mkdir(ssh, { recursive: true, mode: 0o700 });
    await copyFile(publicKey, `${ssh}/authorized_keys`);
    await execFileAsync('chown', ['-R', `${user}:`, ssh]);
  }

  /** The `ps` lines (pid, user, command) of processes running the test program, as any user. */
  async function programPids(): Promise<string[]> {
    const { stdout } = await execFileAsync('ps', ['-eo', 'pid=,user=,args=']);
    return stdout.split('\n').filter((line) => line.includes(program) && !line.includes('ps -eo'));
  }

  /** Waits up to 15 s for the program's processes to be gone; @returns those left. */
  async function untilNoProgram(): Promise<string[]> {
    const deadline = Date.now() + 15_000;
    while ((await programPids()).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    return programPids();
  }

  it('asks for the password, runs the program as root with its env and stdin, and Stop ends it', async (ctx) => {
    const prompts: AppEvents['secret.prompt'][] = [];
    const logs: string[] = [];
    const w = await launchWorld(sshd, {
      program,
      profile: {
        user: asker.name,
        sudo: true,
        env: [{ name: 'PERISCOPE_SUDO_TEST', value: 'through-sudo' }],
      },
      breakpoints: [{ path: program, lines: [PRINT_LINE] }],
      // The first answer is wrong: sudo refuses it and the user is asked again.
      secrets: (prompt) => {
        prompts.push(prompt);
        return prompts.length === 1 ? 'wrong-password' : PASSWORD;
      },
      logSink: (line) => logs.push(JSON.stringify(line)),
    });
    ctx.onTestFinished(() => w.dispose());
    expect(
      prompts.map((p) => ({ kind: p.kind, user: p.user, retry: p.instructions !== '' })),
    ).toEqual([
      { kind: 'sudo', user: asker.name, retry: false },
      { kind: 'sudo', user: asker.name, retry: true },
    ]);
    expect(prompts[0]?.prompts).toEqual([
      { prompt: `[sudo] password for ${asker.name}`, echo: false },
    ]);

    const view = await untilStoppedWithLocals(w, PRINT_LINE);
    const locals = childrenByName(view, localsRef(view));
    expect(locals['euid']?.value).toBe('0');
    expect(locals['token']?.value).toBe("'through-sudo'");
    const rootOwned = await programPids();
    expect(rootOwned.some((line) => / root /.test(` ${line.trim().split(/\s+/)[1]} `))).toBe(true);

    await w.model.resume('continue');
    const until = async (text: string): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!w.client.output(w.session.id).includes(text)) {
        if (Date.now() > deadline)
          throw new Error(`no "${text}" in: ${w.client.output(w.session.id)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until('euid 0 token through-sudo');
    // The password and the variables went through stdin first: the program's input() gets only
    // what the person typed.
    await w.client.app('session.stdin', { sessionId: w.session.id, text: 'typed line\n' });
    await until('read typed line as 0');
    expect(w.client.output(w.session.id)).not.toContain(PASSWORD);
    expect(logs.join('\n')).not.toContain(PASSWORD);
    await w.until((v) => v.state === 'ended', 30_000);
    expect(await untilNoProgram()).toEqual([]);
  });

  it('Stop ends a root program that is still running', async (ctx) => {
    const w = await launchWorld(sshd, {
      program,
      profile: { user: asker.name, sudo: true },
      breakpoints: [{ path: program, lines: [PRINT_LINE] }],
      secrets: () => PASSWORD,
    });
    ctx.onTestFinished(() => w.dispose());
    await untilStoppedWithLocals(w, PRINT_LINE);
    expect((await programPids()).length).toBeGreaterThan(0);
    await w.client.app('session.close', { sessionId: w.session.id });
    expect(await untilNoProgram()).toEqual([]);
  });

  it('asks nothing where sudoers says NOPASSWD', async (ctx) => {
    const prompts: string[] = [];
    const w = await launchWorld(sshd, {
      program,
      profile: { user: nopasswd.name, sudo: true },
      breakpoints: [{ path: program, lines: [PRINT_LINE] }],
      secrets: (prompt) => {
        prompts.push(prompt.kind);
        return null;
      },
    });
    ctx.onTestFinished(() => w.dispose());
    const view = await untilStoppedWithLocals(w, PRINT_LINE);
    expect(childrenByName(view, localsRef(view))['euid']?.value).toBe('0');
    expect(prompts).toEqual([]);
    await w.client.app('session.close', { sessionId: w.session.id });
  });

  it('preflight says what sudo will need: the password, or nothing under NOPASSWD', async () => {
    const checks = async (user: string): Promise<string> => {
      const root = await mkdtemp(join(tmpdir(), 'periscope-sudo-preflight-'));
      const { relay, profile } = await loopbackRelay(root, sshd, { profile: { user, sudo: true } });
      try {
        const client = new RelayTestClient();
        relay.connectClient(client);
        const result = await client.app('session.preflight', {
          profileId: profile.id,
          mode: 'launch',
        });
        const sudo = result.checks.find((c) => c.id === 'sudo');
        return `${sudo?.status}: ${sudo?.detail}`;
      } finally {
        await relay.close();
        await rm(root, { recursive: true, force: true });
      }
    };
    expect(await checks(asker.name)).toBe(
      'ok: sudo needs the password of periscope-sudo: it is asked when the program starts',
    );
    expect(await checks(nopasswd.name)).toBe(
      'ok: sudo runs /usr/bin/python3 as root for periscope-sudonp without a password',
    );
  });

  it('names the refusal when sudo does not let the user in, and starts nothing', async () => {
    await expect(
      launchWorld(sshd, {
        program,
        profile: { user: outsider.name, sudo: true },
        secrets: () => 'unused-Password-2',
      }),
    ).rejects.toThrow(
      /sudo on 127\.0\.0\.1 does not let periscope-nosudo run the program as root \(sudo said: .*not in the sudoers file/,
    );
    expect(await programPids()).toEqual([]);
  });

  it('refuses sudo with a terminal console, saying why, before asking anything', async () => {
    const asked: string[] = [];
    await expect(
      launchWorld(sshd, {
        program,
        profile: { user: asker.name, sudo: true, console: 'integratedTerminal' },
        secrets: (prompt) => {
          asked.push(prompt.kind);
          return PASSWORD;
        },
      }),
    ).rejects.toThrow(/sudo does not work with a terminal console yet/);
    expect(asked).toEqual([]);
    expect(await programPids()).toEqual([]);
  });

  it('says the launch was cancelled when the user cancels the password', async () => {
    await expect(
      launchWorld(sshd, {
        program,
        profile: { user: asker.name, sudo: true },
        secrets: () => null,
      }),
    ).rejects.toThrow(/cancelled: no sudo password for periscope-sudo@127\.0\.0\.1/);
    expect(await programPids()).toEqual([]);
  });
});
