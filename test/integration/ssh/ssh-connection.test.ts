import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openSshConnection,
  type SshConnection,
} from '../../../src-main/ssh/connection/ssh-connection.js';
import { SshError } from '../../../src-main/ssh/ssh-error.js';
import { freePort } from '../../harness/free-port.js';
import { generateKeyPair, startSshd, type TestSshd } from '../../harness/sshd.js';
import { connectTo, policyIn, tempDir } from './ssh-test-kit.js';

describe('SSH connection to a real sshd', () => {
  let sshd: TestSshd;
  let tmp: { dir: string; remove(): Promise<void> };
  let connection: SshConnection;
  let policyDir: string;
  const servers: net.Server[] = [];

  beforeAll(async () => {
    tmp = await tempDir('periscope-ssh-');
    policyDir = tmp.dir;
    sshd = await startSshd();
    await writeFile(path.join(policyDir, 'known_hosts'), `${sshd.knownHostsLine()}\n`);
    connection = await connectTo(sshd, policyIn(policyDir));
  });
  afterAll(async () => {
    await connection?.close();
    for (const server of servers) server.close();
    await sshd?.stop();
    await tmp?.remove();
  });

  describe('authentication and reachability', () => {
    it('fails with auth-failed when the server rejects the key', async () => {
      const wrong = await generateKeyPair(tmp.dir, 'not_authorized');
      const error = await connectTo(sshd, policyIn(policyDir), wrong.privateKeyPath).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SshError);
      expect((error as SshError).code).toBe('auth-failed');
      expect((error as SshError).message).toBe(
        `127.0.0.1:${sshd.port} rejected the key ${wrong.privateKeyPath} for user ${sshd.user}`,
      );
    });

    it('fails with auth-failed when the key file is missing or not a private key', async () => {
      const missing = path.join(tmp.dir, 'no_such_key');
      await expect(connectTo(sshd, policyIn(policyDir), missing)).rejects.toMatchObject({
        code: 'auth-failed',
        message: `could not read the key file ${missing}: it does not exist`,
      });
      await expect(
        connectTo(sshd, policyIn(policyDir), `${sshd.userKeyPath}.pub`),
      ).rejects.toMatchObject({
        code: 'auth-failed',
      });
    });

    it('fails with auth-failed for the agent when SSH_AUTH_SOCK is unset', async () => {
      const saved = process.env.SSH_AUTH_SOCK;
      delete process.env.SSH_AUTH_SOCK;
      try {
        await expect(
          openSshConnection(
            { host: sshd.host, port: sshd.port, user: sshd.user, auth: { kind: 'agent' } },
            policyIn(policyDir),
          ),
        ).rejects.toSatisfy(
          (error: SshError) =>
            error.code === 'auth-failed' && error.message.includes('SSH_AUTH_SOCK'),
        );
      } finally {
        if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
      }
    });

    it('fails with ssh-failed when nothing listens', async () => {
      const port = await freePort();
      const error = await openSshConnection(
        { host: '127.0.0.1', port, user: 'root', auth: { kind: 'key', keyPath: sshd.userKeyPath } },
        policyIn(policyDir),
      ).catch((e: unknown) => e);
      expect((error as SshError).code).toBe('ssh-failed');
      expect((error as SshError).message).toBe(
        `could not reach 127.0.0.1:${port}: connection refused`,
      );
    });

    it('fails with ssh-failed on a handshake timeout', async () => {
      const silent = net.createServer(() => undefined); // accepts, never sends a banner
      servers.push(silent);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as net.AddressInfo).port;
      const started = Date.now();
      const error = await openSshConnection(
        { host: '127.0.0.1', port, user: 'root', auth: { kind: 'key', keyPath: sshd.userKeyPath } },
        policyIn(policyDir),
        { readyTimeoutMs: 300 },
      ).catch((e: unknown) => e);
      expect((error as SshError).code).toBe('ssh-failed');
      expect((error as SshError).message).toBe(
        `timed out after 300 ms connecting to 127.0.0.1:${port}`,
      );
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });

  it('runs a command and reports its output and exit code', async () => {
    const result = await connection.run(`printf 'out\\n'; printf 'err ✓\\n' >&2; exit 3`);
    expect(result).toEqual({ code: 3, signal: null, stdout: 'out\n', stderr: 'err ✓\n' });
    const who = await connection.run('id -un');
    expect(who.stdout.trim()).toBe(sshd.user);
  });

  it('streams through exec and sends stdin', async () => {
    const remote = await connection.exec('cat');
    const chunks: Buffer[] = [];
    remote.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    remote.stderr.resume();
    remote.stdin.end('echo me');
    expect(await remote.exit).toEqual({ code: 0, signal: null });
    expect(Buffer.concat(chunks).toString()).toBe('echo me');
  });

  it('moves bytes both ways through a local forward, and close destroys open sockets', async () => {
    const echo = net.createServer((socket) => socket.pipe(socket));
    servers.push(echo);
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const echoPort = (echo.address() as net.AddressInfo).port;

    const forward = await connection.openLocalForward('127.0.0.1', echoPort);
    const payload = randomBytes(512 * 1024);
    const socket = net.connect(forward.localPort, '127.0.0.1');
    const received: Buffer[] = [];
    let total = 0;
    const allBack = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        total += chunk.length;
        if (total >= payload.length) resolve();
      }),
    );
    socket.write(payload);
    await allBack;
    expect(Buffer.concat(received).equals(payload)).toBe(true);

    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await forward.close();
    await closed;
    await expect(
      new Promise((resolve, reject) => {
        const again = net.connect(forward.localPort, '127.0.0.1');
        again.once('connect', () => resolve('connected'));
        again.once('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('drops a forwarded socket when the remote port refuses', async () => {
    const deadPort = await freePort();
    const forward = await connection.openLocalForward('127.0.0.1', deadPort);
    const socket = net.connect(forward.localPort, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await forward.close();
  });

  it('reads a remote file over SFTP, with clear errors for missing and too big files', async () => {
    const file = path.join(tmp.dir, 'source.py');
    const content = Buffer.from('print("héllo")\n'.repeat(1000));
    await writeFile(file, content);
    expect((await connection.readFile(file, 1024 * 1024)).equals(content)).toBe(true);
    const missing = path.join(tmp.dir, 'nope.py');
    await expect(connection.readFile(missing, 1000)).rejects.toMatchObject({
      code: 'file-not-found',
      message: `${missing} does not exist on ${sshd.user}@127.0.0.1:${sshd.port}`,
    });
    await expect(connection.readFile(file, 100)).rejects.toMatchObject({ code: 'file-too-big' });
    await expect(connection.readFile(tmp.dir, 100)).rejects.toMatchObject({
      code: 'file-not-found',
    });
  });

  it('reports a lost connection once to onClose listeners', async () => {
    const doomed = await connectTo(sshd, policyIn(policyDir));
    const reasons: string[] = [];
    const closed = new Promise<void>((resolve) =>
      doomed.onClose((reason) => {
        reasons.push(reason);
        resolve();
      }),
    );
    // Kill this session's sshd process: the server side of the connection disappears.
    await doomed.exec('kill -9 $PPID').catch(() => undefined);
    await closed;
    expect(doomed.isClosed).toBe(true);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^the connection to .* was lost/);
    await expect(doomed.exec('true')).rejects.toMatchObject({ code: 'ssh-failed' });
  });

  it('reports "closed" after close()', async () => {
    const mine = await connectTo(sshd, policyIn(policyDir));
    const reasons: string[] = [];
    mine.onClose((reason) => reasons.push(reason));
    await mine.close();
    expect(reasons).toEqual(['closed']);
  });
});
