/**
 * Authentication kinds against a real OpenSSH sshd: ssh-agent (a real `ssh-agent`), a key with a
 * passphrase, a password (a real local user) and keyboard-interactive (sshd with PAM).
 */
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SecretRequest } from '../../../src-main/ssh/connection/ssh-auth.js';
import {
  openSshConnection,
  type SshTarget,
} from '../../../src-main/ssh/connection/ssh-connection.js';
import { SshError } from '../../../src-main/ssh/ssh-error.js';
import {
  createTestUser,
  generateKeyPair,
  startSshAgent,
  startSshd,
  type TestAgent,
  type TestSshd,
  type TestUser,
} from '../../harness/sshd.js';
import { policyIn, tempDir } from './ssh-test-kit.js';

const PASSWORD = 'canary-Pw-7f3a9c';

function answering(...answers: (string[] | undefined)[]) {
  const queue = [...answers];
  return vi.fn((_request: SecretRequest) => Promise.resolve(queue.shift()));
}

async function failureOf(promise: Promise<unknown>): Promise<SshError> {
  const error = await promise.then(
    () => new Error('expected the connection to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SshError);
  return error as SshError;
}

describe('SSH authentication kinds against a real sshd', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let keySshd: TestSshd;
  let passwordSshd: TestSshd;
  let pamSshd: TestSshd;
  let user: TestUser;
  let agent: TestAgent;
  let protectedKey: string;

  beforeAll(async () => {
    tmp = await tempDir('periscope-auth-');
    user = await createTestUser('periscope-t', PASSWORD);
    keySshd = await startSshd();
    const key = await generateKeyPair(tmp.dir, 'protected', 'ed25519', 'key-passphrase-1');
    protectedKey = key.privateKeyPath;
    await appendFile(path.join(keySshd.dir, 'authorized_keys'), `${key.publicKeyLine}\n`);
    passwordSshd = await startSshd({ overrides: ['PasswordAuthentication yes'] });
    pamSshd = await startSshd({
      overrides: ['UsePAM yes', 'KbdInteractiveAuthentication yes', 'PasswordAuthentication no'],
    });
    const known = [keySshd, passwordSshd, pamSshd].map((s) => s.knownHostsLine()).join('\n');
    await writeFile(path.join(tmp.dir, 'known_hosts'), `${known}\n`);
    agent = await startSshAgent(tmp.dir);
  });
  afterAll(async () => {
    await agent?.stop();
    await Promise.all([keySshd?.stop(), passwordSshd?.stop(), pamSshd?.stop()]);
    await user?.remove();
    await tmp?.remove();
  });

  const target = (sshd: TestSshd, overrides: Partial<SshTarget>): SshTarget => ({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    auth: { kind: 'agent' },
    ...overrides,
  });

  it('authenticates with the keys of a running ssh-agent', async () => {
    await agent.add(keySshd.userKeyPath);
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agent.socket;
    try {
      const secrets = answering();
      const ssh = await openSshConnection(target(keySshd, {}), policyIn(tmp.dir), { secrets });
      expect((await ssh.run('echo via-agent')).stdout).toBe('via-agent\n');
      await ssh.close();
      expect(secrets).not.toHaveBeenCalled();
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('asks for the passphrase of a protected key once, after the host key, and connects', async () => {
    const secrets = answering(['key-passphrase-1']);
    const ssh = await openSshConnection(
      target(keySshd, { auth: { kind: 'key', keyPath: protectedKey } }),
      policyIn(tmp.dir),
      { secrets },
    );
    expect((await ssh.run('echo with-passphrase')).stdout).toBe('with-passphrase\n');
    await ssh.close();
    expect(secrets).toHaveBeenCalledTimes(1);
    expect(secrets.mock.calls[0]![0]).toMatchObject({
      kind: 'passphrase',
      keyPath: protectedKey,
      prompts: [{ prompt: `Passphrase for ${protectedKey}:`, echo: false }],
    });
  });

  it('says the passphrase is wrong, and a cancelled question stops with auth-failed', async () => {
    const auth = { kind: 'key', keyPath: protectedKey } as const;
    const wrong = await failureOf(
      openSshConnection(target(keySshd, { auth }), policyIn(tmp.dir), {
        secrets: answering(['nope']),
      }),
    );
    expect(wrong.code).toBe('auth-failed');
    expect(wrong.message).toBe(`the passphrase for ${protectedKey} is wrong`);
    const cancelled = await failureOf(
      openSshConnection(target(keySshd, { auth }), policyIn(tmp.dir), {
        secrets: answering(undefined),
      }),
    );
    expect(cancelled.code).toBe('auth-failed');
    expect(cancelled.message).toMatch(/was cancelled/);
  });

  it('logs in with a password as a real user', async () => {
    const secrets = answering([PASSWORD]);
    const ssh = await openSshConnection(
      target(passwordSshd, { user: user.name, auth: { kind: 'password' } }),
      policyIn(tmp.dir),
      { secrets },
    );
    expect((await ssh.run('id -un')).stdout).toBe(`${user.name}\n`);
    await ssh.close();
    expect(secrets.mock.calls[0]![0]).toMatchObject({ kind: 'password', user: user.name });
  });

  it('a wrong password is auth-failed and is never asked for again', async () => {
    const secrets = answering(['wrong'], [PASSWORD]);
    const error = await failureOf(
      openSshConnection(
        target(passwordSshd, { user: user.name, auth: { kind: 'password' } }),
        policyIn(tmp.dir),
        { secrets },
      ),
    );
    expect(error.code).toBe('auth-failed');
    expect(error.message).toBe(
      `127.0.0.1:${passwordSshd.port} rejected the password for user ${user.name}`,
    );
    expect(secrets).toHaveBeenCalledTimes(1);
  });

  it("names the methods a server accepts when the profile's is not one of them", async () => {
    const error = await failureOf(
      openSshConnection(
        target(keySshd, { user: user.name, auth: { kind: 'password' } }),
        policyIn(tmp.dir),
        { secrets: answering([PASSWORD]) },
      ),
    );
    expect(error.code).toBe('auth-failed');
    expect(error.message).toBe(
      `127.0.0.1:${keySshd.port} does not accept the password (it accepts: publickey)`,
    );
  });

  it("answers the server's keyboard-interactive questions (PAM)", async () => {
    const secrets = answering([PASSWORD]);
    const ssh = await openSshConnection(
      target(pamSshd, { user: user.name, auth: { kind: 'keyboard-interactive' } }),
      policyIn(tmp.dir),
      { secrets },
    );
    expect((await ssh.run('id -un')).stdout).toBe(`${user.name}\n`);
    await ssh.close();
    const request = secrets.mock.calls[0]![0];
    expect(request.kind).toBe('keyboard-interactive');
    expect(request.prompts).toEqual([
      { prompt: expect.stringMatching(/password/i) as unknown, echo: false },
    ]);
  });

  it('a password profile also works where sshd offers passwords only via keyboard-interactive', async () => {
    const secrets = answering([PASSWORD]);
    const ssh = await openSshConnection(
      target(pamSshd, { user: user.name, auth: { kind: 'password' } }),
      policyIn(tmp.dir),
      { secrets },
    );
    expect((await ssh.run('echo pam')).stdout).toBe('pam\n');
    await ssh.close();
  });
});
