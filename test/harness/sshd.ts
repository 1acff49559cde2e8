/**
 * A real OpenSSH sshd on loopback for integration tests: its own temp directory, host key, user
 * key, authorized_keys and sshd_config; run in the foreground (`sshd -D -e`) as this user (root).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const execFileAsync = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
const READY_TIMEOUT_MS = 10_000;

/** A key pair written by `ssh-keygen -q -N ''`. */
export interface TestKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
  /** The `.pub` line: `<type> <base64> <comment>`. */
  publicKeyLine: string;
  /** The raw public key blob (what ssh2's `hostVerifier` receives). */
  publicKeyBlob: Buffer;
  /** e.g. `ssh-ed25519`. */
  keyType: string;
}

/** Options for {@link startSshd}. */
export interface SshdOptions {
  /** Reuse this host private key (its `.pub` must sit beside it) instead of generating one. */
  hostKeyPath?: string;
  /** Listen on this port (default: a free one). */
  port?: number;
  /** Extra sshd_config lines, appended (so `Match` blocks go here). */
  extraConfig?: string[];
  /**
   * sshd_config lines placed first, so they win over the defaults (sshd takes the first value of
   * a keyword), e.g. `UsePAM yes`, `PasswordAuthentication yes`.
   */
  overrides?: string[];
}

/** A running test sshd. */
export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  user: string;
  /** Private key whose public half is in authorized_keys. */
  userKeyPath: string;
  /** Host private key path (pass to `startSshd({ hostKeyPath })` to keep the key). */
  hostKeyPath: string;
  /** Raw host public key blob. */
  hostPublicKey: Buffer;
  hostKeyType: string;
  /** The temp directory holding keys, config and logs; removed by `stop`. */
  dir: string;
  /** A known_hosts line for this server; default pattern `[127.0.0.1]:<port>`. */
  knownHostsLine(hostPattern?: string): string;
  /** sshd's stderr so far (logs with `-e`). */
  stderr(): string;
  /** Kills sshd (TERM, then KILL after 2 s) and removes the temp directory. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops sshd (keeping the directory) and starts it again on the same port with the same keys.
   * With `dropSessions`, every established connection is cut too (its per-connection sshd
   * processes are SIGKILLed), as when the server reboots or the network drops; otherwise
   * OpenSSH keeps established connections alive across a listener restart.
   * `downMs` is how long the port stays closed in between (default 0).
   */
  restart(options?: { dropSessions?: boolean; downMs?: number }): Promise<void>;
  /** SIGKILLs the per-connection sshd processes (cuts every established connection), keeps listening. */
  dropSessions(): Promise<void>;
  /**
   * A SILENT drop, as a VPN that goes away without FIN or RST: SIGSTOPs every per-connection sshd
   * process (the listener keeps accepting; the programs those connections started are not
   * stopped). Clients notice only by their keepalive; the frozen processes keep their sockets, so
   * a forwarded connection stays open on the server side. @returns the pids stopped.
   */
  freezeSessions(): Promise<number[]>;
  /** SIGCONTs the processes {@link freezeSessions} stopped (those still alive). */
  thawSessions(): Promise<void>;
}

/** Generates an ed25519 (or other `type`) key pair at `<dir>/<name>`, with no passphrase by default. */
export async function generateKeyPair(
  dir: string,
  name: string,
  type = 'ed25519',
  passphrase = '',
): Promise<TestKeyPair> {
  const privateKeyPath = path.join(dir, name);
  await execFileAsync('ssh-keygen', [
    '-q',
    '-t',
    type,
    '-N',
    passphrase,
    '-C',
    `periscope-test-${name}`,
    '-f',
    privateKeyPath,
  ]);
  return readKeyPair(privateKeyPath);
}

async function readKeyPair(privateKeyPath: string): Promise<TestKeyPair> {
  const publicKeyPath = `${privateKeyPath}.pub`;
  const publicKeyLine = (await readFile(publicKeyPath, 'utf8')).trim();
  const [keyType, base64] = publicKeyLine.split(/\s+/);
  if (keyType === undefined || base64 === undefined)
    throw new Error(`malformed public key file ${publicKeyPath}`);
  return {
    privateKeyPath,
    publicKeyPath,
    publicKeyLine,
    publicKeyBlob: Buffer.from(base64, 'base64'),
    keyType,
  };
}

/**
 * Starts sshd on 127.0.0.1 and waits until it sends its `SSH-2.0-` banner.
 * @throws if sshd exits early (message includes its stderr) or is not ready within 10 s.
 */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'periscope-sshd-'));
  try {
    let hostKey: TestKeyPair;
    if (options.hostKeyPath !== undefined) {
      const hostKeyPath = path.join(dir, 'host_key');
      await copyFile(options.hostKeyPath, hostKeyPath);
      await copyFile(`${options.hostKeyPath}.pub`, `${hostKeyPath}.pub`);
      hostKey = await readKeyPair(hostKeyPath);
    } else {
      hostKey = await generateKeyPair(dir, 'host_key');
    }
    const userKey = await generateKeyPair(dir, 'user_key');
    const authorizedKeys = path.join(dir, 'authorized_keys');
    await writeFile(authorizedKeys, `${userKey.publicKeyLine}\n`, { mode: 0o600 });
    const port = options.port ?? (await freePort());
    const configPath = path.join(dir, 'sshd_config');
    const config = [
      ...(options.overrides ?? []),
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey.privateKeyPath}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'PrintMotd no',
      'PrintLastLog no',
      'AllowTcpForwarding yes',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      'LogLevel INFO',
      ...(options.extraConfig ?? []),
    ];
    await writeFile(configPath, `${config.join('\n')}\n`, { mode: 0o600 });

    let running = await runSshd(configPath, port);
    let stopped = false;
    const frozen = new Set<number>();
    const sshd: TestSshd = {
      host: '127.0.0.1',
      port,
      user: os.userInfo().username,
      userKeyPath: userKey.privateKeyPath,
      hostKeyPath: hostKey.privateKeyPath,
      hostPublicKey: hostKey.publicKeyBlob,
      hostKeyType: hostKey.keyType,
      dir,
      knownHostsLine: (hostPattern = `[127.0.0.1]:${port}`) =>
        `${hostPattern} ${hostKey.keyType} ${hostKey.publicKeyBlob.toString('base64')}`,
      stderr: () => running.stderr(),
      async stop() {
        if (stopped) return;
        stopped = true;
        // Frozen connections would outlive the listener: end them (SIGKILL works on stopped ones).
        for (const pid of frozen) signal(pid, 'SIGKILL');
        frozen.clear();
        await killProcess(running.child);
        await rm(dir, { recursive: true, force: true });
      },
      async restart(restartOptions = {}) {
        if (stopped) throw new Error('sshd was stopped');
        if (restartOptions.dropSessions) await killChildren(running.child.pid);
        await killProcess(running.child);
        if (restartOptions.downMs) await new Promise((r) => setTimeout(r, restartOptions.downMs));
        running = await runSshd(configPath, port);
      },
      async dropSessions() {
        await killChildren(running.child.pid);
      },
      async freezeSessions() {
        const pids = await sshdDescendants(running.child.pid);
        for (const pid of pids) if (signal(pid, 'SIGSTOP')) frozen.add(pid);
        return pids;
      },
      thawSessions() {
        for (const pid of frozen) signal(pid, 'SIGCONT');
        frozen.clear();
        return Promise.resolve();
      },
    };
    return sshd;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface RunningSshd {
  child: ChildProcess;
  stderr(): string;
}

async function runSshd(configPath: string, port: number): Promise<RunningSshd> {
  const child = spawn(SSHD, ['-D', '-e', '-f', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (stderr.length < 256 * 1024) stderr += text;
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `sshd exited (code ${code}, signal ${signal})`;
  });
  child.once('error', (error) => {
    exited = `sshd could not start: ${error.message}`;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) throw new Error(`${exited}: ${stderr.trim()}`);
    if (await sendsBanner(port)) return { child, stderr: () => stderr };
    if (Date.now() > deadline) {
      await killProcess(child);
      throw new Error(
        `sshd did not accept connections on port ${port} within ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** Connects to 127.0.0.1:port and resolves true once an `SSH-` banner arrives. */
function sendsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (received.startsWith('SSH-')) done(true);
    });
    socket.on('end', () => done(false));
  });
}

/** SIGKILLs the direct children of `pid` (sshd's per-connection processes). */
async function killChildren(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  let out: string;
  try {
    out = (await execFileAsync('ps', ['-o', 'pid=', '--ppid', String(pid)])).stdout;
  } catch {
    return; // ps exits 1 when there are none
  }
  for (const child of out.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(child), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The sshd processes below `pid` (per-connection monitors and their session processes). */
async function sshdDescendants(pid: number | undefined): Promise<number[]> {
  if (pid === undefined) return [];
  const { stdout } = await execFileAsync('ps', ['-e', '-o', 'pid=,ppid=,comm=']);
  const rows = stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 3)
    .map(([p, pp, comm]) => ({ pid: Number(p), ppid: Number(pp), comm: comm! }));
  const below = new Set<number>([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (below.has(row.ppid) && !below.has(row.pid)) {
        below.add(row.pid);
        grew = true;
      }
    }
  }
  below.delete(pid);
  return rows.filter((r) => below.has(r.pid) && r.comm.startsWith('sshd')).map((r) => r.pid);
}

/** Sends `name` to `pid`. @returns false when the process is gone. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** A local user with a password, for password and keyboard-interactive tests (needs root). */
export interface TestUser {
  name: string;
  password: string;
  /** Deletes the user and its home directory. Idempotent. */
  remove(): Promise<void>;
}

/**
 * Creates (or re-creates) local user `name` with a home directory and `password`, via
 * `useradd` and `chpasswd`. sshd checks the password against /etc/shadow (or PAM).
 */
export async function createTestUser(name: string, password: string): Promise<TestUser> {
  await execFileAsync('userdel', ['-r', name]).catch(() => undefined);
  await execFileAsync('useradd', ['-m', '-s', '/bin/sh', name]);
  const chpasswd = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
  chpasswd.stdin.end(`${name}:${password}\n`);
  const code = await new Promise<number | null>((resolve) => chpasswd.once('exit', resolve));
  if (code !== 0) throw new Error(`chpasswd failed for ${name}`);
  let removed = false;
  return {
    name,
    password,
    async remove() {
      if (removed) return;
      removed = true;
      // userdel refuses while a process of the user still runs (a program ending): retry a while.
      for (let attempt = 0; attempt < 50; attempt++) {
        await execFileAsync('userdel', ['-r', name]).catch(() => undefined);
        const exists = await execFileAsync('id', [name]).then(
          () => true,
          () => false,
        );
        if (!exists) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`could not remove the test user ${name}`);
    },
  };
}

/** A running `ssh-agent` for tests, on its own socket. */
export interface TestAgent {
  /** Value for `SSH_AUTH_SOCK`. */
  socket: string;
  /** `ssh-add <keyPath>` into this agent. */
  add(keyPath: string): Promise<void>;
  /** Kills the agent. Idempotent. */
  stop(): Promise<void>;
}

/** Starts `ssh-agent -D -a <dir>/agent.sock` and waits for its socket. */
export async function startSshAgent(dir: string): Promise<TestAgent> {
  const socket = path.join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const ready = await new Promise<boolean>((resolve) => {
      const probe = net.connect(socket);
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (ready) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await killProcess(child);
      throw new Error('ssh-agent did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return {
    socket,
    async add(keyPath) {
      await execFileAsync('ssh-add', ['-q', keyPath], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
      });
    },
    stop: () => killProcess(child),
  };
}

async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
