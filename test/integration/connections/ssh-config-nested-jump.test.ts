/**
 * A nested ProxyJump chain and relative IdentityFiles in an ssh config, imported and connected
 * through three real loopback sshds — and checked against OpenSSH's own ssh(1) on the same file,
 * which must go through the same hops in the same order.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSshConfig } from '../../../src-main/profiles/ssh-config-import.js';
import { openSshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { policyIn, tempDir } from '../ssh/ssh-test-kit.js';

const run = promisify(execFile);

describe('an imported nested ProxyJump chain', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let outer: TestSshd;
  let middle: TestSshd;
  let target: TestSshd;
  let config: string;

  beforeAll(async () => {
    tmp = await tempDir('periscope-nested-jump-');
    [outer, middle, target] = await Promise.all([startSshd(), startSshd(), startSshd()]);
    // Keys named relative to the directory ssh runs in (and Periscope's "home" here).
    await mkdir(path.join(tmp.dir, 'keys'), { mode: 0o700 });
    for (const [name, sshd] of [
      ['outer', outer],
      ['middle', middle],
      ['app', target],
    ] as const) {
      await copyFile(sshd.userKeyPath, path.join(tmp.dir, 'keys', name));
    }
    config = path.join(tmp.dir, 'config');
    const host = (name: string, sshd: TestSshd, jump?: string): string[] => [
      `Host ${name}`,
      `  HostName ${sshd.host}`,
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      `  IdentityFile keys/${name}`,
      ...(jump ? [`  ProxyJump ${jump}`] : []),
    ];
    await writeFile(
      config,
      [
        ...host('app', target, 'middle'),
        ...host('middle', middle, 'outer'),
        ...host('outer', outer),
        'Host *',
        '  BatchMode yes',
        '  IdentitiesOnly yes',
        '  StrictHostKeyChecking no',
        '  UserKnownHostsFile /dev/null',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await Promise.all([outer?.stop(), middle?.stop(), target?.stop()]);
    await tmp?.remove();
  });

  it('goes outer → middle → app, as ssh(1) does with the same config', async () => {
    const { profiles, warnings } = importSshConfig(await readFile(config, 'utf8'), {
      home: tmp.dir,
      localUser: 'nobody',
    });
    const app = profiles.find((p) => p.name === 'app')!;
    expect(app.jumpHosts?.map((j) => (j.kind === 'address' ? j.port : 0))).toEqual([
      outer.port,
      middle.port,
    ]);
    expect(app.auth).toEqual({ kind: 'key', keyPath: path.join(tmp.dir, 'keys', 'app') });
    expect(warnings).toContain(
      `app: IdentityFile "keys/app" is relative, which ssh opens from the directory it runs in; Periscope took ${path.join(tmp.dir, 'keys', 'app')} — check the key path.`,
    );

    // ssh(1), run from the keys' directory, logs in to each hop in turn (-v says so; a hop's ssh
    // authenticates only once the one before it carries its connection).
    const openssh = await run('ssh', ['-v', '-F', config, 'app', 'echo via-openssh'], {
      cwd: tmp.dir,
      timeout: 30_000,
    });
    expect(openssh.stdout).toBe('via-openssh\n');
    const hops = [...openssh.stderr.matchAll(/Authenticating to [^:\s]+:(\d+) as/g)].map((m) =>
      Number(m[1]),
    );
    expect(hops).toEqual([outer.port, middle.port, target.port]);
    expect(openssh.stderr.match(/^Authenticated to /gm)).toHaveLength(3);

    // Periscope, with the imported draft.
    const policy = policyIn(tmp.dir, true, []);
    const ssh = await openSshConnection(
      { host: app.host, port: app.port, user: app.user, auth: app.auth },
      policy,
      {
        jumps: (app.jumpHosts ?? []).flatMap((j) => (j.kind === 'address' ? [j] : [])),
        readyTimeoutMs: 10_000,
      },
    );
    try {
      expect((await ssh.run('echo via-periscope')).stdout).toBe('via-periscope\n');
    } finally {
      await ssh.close();
    }
    // Each hop's host key was asked about in chain order: the connection went through them.
    expect(policy.asked.mock.calls.map(([q]) => q.port)).toEqual([
      outer.port,
      middle.port,
      target.port,
    ]);
  });
});
