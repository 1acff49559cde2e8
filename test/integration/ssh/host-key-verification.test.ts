import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshError } from '../../../src-main/ssh/ssh-error.js';
import { generateKeyPair, startSshd, type TestSshd } from '../../harness/sshd.js';
import { connectTo, policyIn, tempDir } from './ssh-test-kit.js';

const execFileAsync = promisify(execFile);

describe('host key verification against a real sshd', () => {
  let sshd: TestSshd;
  let tmp: { dir: string; remove(): Promise<void> };
  let case_ = 0;
  /** A fresh directory per test, so files never leak between cases. */
  const caseDir = async (): Promise<string> => {
    const dir = path.join(tmp.dir, `case-${++case_}`);
    await execFileAsync('mkdir', ['-p', dir]);
    return dir;
  };

  beforeAll(async () => {
    tmp = await tempDir('periscope-hostkeys-');
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
    await tmp?.remove();
  });

  it('accepts a key recorded in known_hosts without asking', async () => {
    const dir = await caseDir();
    await writeFile(path.join(dir, 'known_hosts'), `# mine\n${sshd.knownHostsLine()}\n`);
    const policy = policyIn(dir);
    const connection = await connectTo(sshd, policy);
    await connection.close();
    expect(policy.asked).not.toHaveBeenCalled();
  });

  it('asks about an unknown key with the OpenSSH fingerprint, records it when accepted, then knows it', async () => {
    const dir = await caseDir();
    const policy = policyIn(dir, true);
    const connection = await connectTo(sshd, policy);
    await connection.close();

    const { stdout } = await execFileAsync('ssh-keygen', ['-lf', `${sshd.hostKeyPath}.pub`]);
    const expectedFingerprint = stdout.split(' ')[1];
    expect(expectedFingerprint).toMatch(/^SHA256:/);
    expect(policy.asked).toHaveBeenCalledTimes(1);
    expect(policy.asked.mock.calls[0]?.[0]).toEqual({
      host: '127.0.0.1',
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: expectedFingerprint,
    });
    expect(await readFile(policy.trustedHostsFile, 'utf8')).toBe(`${sshd.knownHostsLine()}\n`);

    const again = policyIn(dir);
    const second = await connectTo(sshd, again);
    await second.close();
    expect(again.asked).not.toHaveBeenCalled();
  });

  it('refuses with host-key-rejected when the user declines, recording nothing', async () => {
    const dir = await caseDir();
    const policy = policyIn(dir, false);
    const error = await connectTo(sshd, policy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).code).toBe('host-key-rejected');
    expect((error as SshError).message).toContain(`[127.0.0.1]:${sshd.port}`);
    await expect(readFile(policy.trustedHostsFile)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a changed key without asking and names the file and line', async () => {
    const dir = await caseDir();
    const other = await generateKeyPair(dir, 'other_host_key');
    const knownHosts = path.join(dir, 'known_hosts');
    const otherLine = `[127.0.0.1]:${sshd.port} ${other.keyType} ${other.publicKeyBlob.toString('base64')}`;
    await writeFile(knownHosts, `# comment\n${otherLine}\n`);
    const policy = policyIn(dir, true);
    const error = await connectTo(sshd, policy).catch((e: unknown) => e);
    expect((error as SshError).code).toBe('host-key-changed');
    expect((error as SshError).message).toBe(
      `the host key for [127.0.0.1]:${sshd.port} has CHANGED since it was recorded in ${knownHosts} line 2 (possible man-in-the-middle attack); if the change is expected, remove that line`,
    );
    expect(policy.asked).not.toHaveBeenCalled();
  });

  it('refuses a server that came back on the same port with a new host key', async () => {
    const dir = await caseDir();
    const policy = policyIn(dir, true);
    const first = await startSshd();
    let second: TestSshd | undefined;
    try {
      await (await connectTo(first, policy)).close(); // the user accepts and records the first key
      await first.stop();
      second = await startSshd({ port: first.port }); // same address, freshly generated host key
      expect(second.hostPublicKey.equals(first.hostPublicKey)).toBe(false);
      const again = policyIn(dir, true);
      const error = await connectTo(second, again).catch((e: unknown) => e);
      expect((error as SshError).code).toBe('host-key-changed');
      expect((error as SshError).message).toContain(`${policy.trustedHostsFile} line 1`);
      expect(again.asked).not.toHaveBeenCalled();
    } finally {
      await first.stop();
      await second?.stop();
    }
  });

  it('keeps accepting the same key across a restart that reuses it', async () => {
    const dir = await caseDir();
    const policy = policyIn(dir, true);
    await (await connectTo(sshd, policy)).close();
    await sshd.restart();
    const again = policyIn(dir);
    await (await connectTo(sshd, again)).close();
    expect(again.asked).not.toHaveBeenCalled();
  });

  it('refuses a @revoked key even when another line lists it as known', async () => {
    const dir = await caseDir();
    const blob = sshd.hostPublicKey.toString('base64');
    await writeFile(
      path.join(dir, 'known_hosts'),
      `${sshd.knownHostsLine()}\n@revoked * ${sshd.hostKeyType} ${blob}\n`,
    );
    const error = await connectTo(sshd, policyIn(dir, true)).catch((e: unknown) => e);
    expect((error as SshError).code).toBe('host-key-revoked');
    expect((error as SshError).message).toContain('line 2');
  });

  it('matches a hashed entry written by ssh-keygen -H', async () => {
    const dir = await caseDir();
    const knownHosts = path.join(dir, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine()}\n`);
    await execFileAsync('ssh-keygen', ['-H', '-f', knownHosts]);
    const hashed = await readFile(knownHosts, 'utf8');
    expect(hashed.startsWith('|1|')).toBe(true);
    const policy = policyIn(dir);
    await (await connectTo(sshd, policy)).close();
    expect(policy.asked).not.toHaveBeenCalled();
  });

  it('reads several known_hosts files (a missing one is fine)', async () => {
    const dir = await caseDir();
    const second = path.join(dir, 'second_known_hosts');
    await writeFile(
      second,
      `garbage line\n${sshd.knownHostsLine(`127.0.0.9,[127.0.0.1]:${sshd.port}`)}\n`,
    );
    const policy = policyIn(dir, 'never-asked', [path.join(dir, 'missing'), second]);
    await (await connectTo(sshd, policy)).close();
    expect(policy.asked).not.toHaveBeenCalled();
  });
});
