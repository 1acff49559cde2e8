/** ProxyJump chains through real loopback sshds: every hop's host key is verified. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openSshConnection,
  type SshTarget,
} from '../../../src-main/ssh/connection/ssh-connection.js';
import { SshError } from '../../../src-main/ssh/ssh-error.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { policyIn, tempDir } from './ssh-test-kit.js';

describe('ProxyJump through a second sshd', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let jump: TestSshd;
  let jump2: TestSshd;
  let noForwarding: TestSshd;
  let final: TestSshd;

  beforeAll(async () => {
    tmp = await tempDir('periscope-jump-');
    [jump, jump2, noForwarding, final] = await Promise.all([
      startSshd(),
      startSshd(),
      startSshd({ overrides: ['AllowTcpForwarding no'] }),
      startSshd(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([jump?.stop(), jump2?.stop(), noForwarding?.stop(), final?.stop()]);
    await tmp?.remove();
  });

  const hop = (sshd: TestSshd): SshTarget => ({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    auth: { kind: 'key', keyPath: sshd.userKeyPath },
  });

  it('connects through one jump host, asking about each unknown host key in order', async () => {
    const policy = policyIn(tmp.dir, true, []);
    const ssh = await openSshConnection(hop(final), policy, { jumps: [hop(jump)] });
    expect((await ssh.run('echo through-the-jump')).stdout).toBe('through-the-jump\n');
    expect(policy.asked.mock.calls.map(([q]) => q.port)).toEqual([jump.port, final.port]);
    // The final hop's SSH runs inside the jump's connection: the jump sshd saw a forward.
    expect(jump.stderr()).toMatch(/direct-tcpip|Accepted/);
    await ssh.close();
  });

  it('connects through a chain of two jump hosts, each recorded once accepted', async () => {
    const policy = policyIn(tmp.dir, true, []);
    const ssh = await openSshConnection(hop(final), policy, { jumps: [hop(jump), hop(jump2)] });
    expect((await ssh.run('echo two-hops')).stdout).toBe('two-hops\n');
    await ssh.close();
    // The keys accepted above are now trusted: no question the second time.
    const again = policyIn(tmp.dir, 'never-asked', []);
    const second = await openSshConnection(hop(final), again, { jumps: [hop(jump), hop(jump2)] });
    await second.close();
  });

  it('refuses the whole chain when a hop has a changed host key', async () => {
    const fresh = await tempDir('periscope-jump-changed-');
    const policy = policyIn(fresh.dir, 'never-asked');
    await writeFile(
      path.join(fresh.dir, 'known_hosts'),
      `${jump.knownHostsLine()}\n${final.knownHostsLine().replace(/ \S+$/, ` ${jump2.hostPublicKey.toString('base64')}`)}\n`,
    );
    const error = await openSshConnection(hop(final), policy, { jumps: [hop(jump)] }).catch(
      (e: unknown) => e,
    );
    await fresh.remove();
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).code).toBe('host-key-changed');
    expect((error as SshError).message).toContain(`[127.0.0.1]:${final.port}`);
  });

  it('says which jump host refused to forward', async () => {
    const policy = policyIn(tmp.dir, true, []);
    const error = await openSshConnection(hop(final), policy, { jumps: [hop(noForwarding)] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).code).toBe('ssh-failed');
    expect((error as SshError).message).toBe(
      `the jump host ${noForwarding.user}@127.0.0.1:${noForwarding.port} could not open a connection to 127.0.0.1:${final.port}: administratively prohibited (the server does not allow TCP forwarding: AllowTcpForwarding)`,
    );
  });

  it('closes the final connection when the jump host connection drops', async () => {
    const policy = policyIn(tmp.dir, true, []);
    const ssh = await openSshConnection(hop(final), policy, { jumps: [hop(jump)] });
    const closed = new Promise<string>((resolve) => ssh.onClose(resolve));
    await jump.dropSessions();
    expect(await closed).toMatch(/was lost/);
  });
});
