/**
 * The remote user's Python processes, for the attach picker (`ps`), and injecting debugpy into
 * one of them by pid: `python -m debugpy --listen 127.0.0.1:<port> --pid <pid>` — debugpy's
 * injector runs gdb to make the process call `debugpy.listen`, which starts an adapter on
 * `<port>`; the CLI exits once injected. The attach itself is `tracer/attach-tracer.ts`.
 */
import type { Logger } from '../../log/logger.js';
import type { RemoteProcessInfo } from '../../../src-common/protocol/connections.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';

/** How long the injected debugpy may take to listen, in ms (gdb injection takes ~1–3 s). */
const LISTEN_TIMEOUT_MS = 30_000;

// `ps -o lstart` is 24 characters in the C locale: "Mon Jan  1 12:00:00 2024".
const PS_LINE = /^\s*(\d+)\s+(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\s+(.+)$/;
const PYTHON_ARGV0 = /(^|\/)python[\d.]*$/;

/**
 * The remote user's Python processes (argv[0] named `python…`), newest first, without the
 * adapters Periscope or debugpy started themselves.
 * @throws SshError `ssh-failed` when `ps` cannot run.
 */
export async function listPythonProcesses(connection: SshConnection): Promise<RemoteProcessInfo[]> {
  const result = await connection.run('LC_ALL=C ps -u "$(id -u)" -o pid=,lstart=,args=', {
    maxOutputBytes: 4 * 1024 * 1024,
  });
  if (result.code !== 0)
    throw new SshError(
      'ssh-failed',
      `could not list processes: ${result.stderr.trim() || 'ps failed'}`,
    );
  const processes: RemoteProcessInfo[] = [];
  for (const line of result.stdout.split('\n')) {
    const match = PS_LINE.exec(line);
    if (!match) continue;
    const command = match[3]!.trim();
    const argv0 = command.split(/\s+/)[0]!;
    if (!PYTHON_ARGV0.test(argv0)) continue;
    if (/debugpy[/\\]adapter|-m debugpy --listen \S+ --pid/.test(command)) continue;
    processes.push({ pid: Number(match[1]), started: match[2]!, command });
  }
  return processes.sort((a, b) => b.pid - a.pid);
}

// Picks a free port, runs the injector, then waits (binding, not connecting: a probe connection
// would take the adapter's single client slot) until the adapter listens.
const INJECT = `import errno, os, socket, subprocess, sys, time
pid, timeout = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
p = subprocess.Popen([sys.executable, "-m", "debugpy", "--listen", "127.0.0.1:%d" % port, "--pid", str(pid)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
out = p.communicate()[0].decode("utf-8", "replace")
if p.returncode != 0:
    sys.stdout.write(out[-2000:])
    print("\\n__periscope_inject_failed__ %d" % p.returncode)
    sys.exit(0)
deadline = time.time() + timeout
while time.time() < deadline:
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", port))
    except socket.error as e:
        if e.errno == errno.EADDRINUSE:
            print("__periscope_port__ %d" % port)
            sys.exit(0)
        raise
    finally:
        t.close()
    time.sleep(0.1)
sys.stdout.write(out[-2000:])
print("\\n__periscope_inject_failed__ timeout")
`;

/**
 * Injects debugpy into process `pid` of the remote user (debugpy's `--pid`, which runs gdb) so
 * that it listens on a free loopback port, and waits until it does.
 * @returns that port.
 * @throws SshError `launch-failed` naming what the injector said.
 */
export async function injectDebugpy(
  connection: SshConnection,
  python: string,
  pid: number,
  logger: Logger,
): Promise<number> {
  const command = shellJoin([python, '-c', INJECT, String(pid), String(LISTEN_TIMEOUT_MS / 1000)]);
  const result = await connection.run(command, { maxOutputBytes: 256 * 1024 });
  const port = /__periscope_port__ (\d+)/.exec(result.stdout);
  if (port) {
    logger.info('debugpy injected', { pid, port: Number(port[1]) });
    return Number(port[1]);
  }
  const injectorSaid = result.stdout
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('__periscope') && !l.startsWith('Running: gdb'))
    .slice(-4)
    .join(' ')
    .trim();
  const why = result.stdout.includes('inject_failed__ timeout')
    ? `debugpy did not listen within ${LISTEN_TIMEOUT_MS / 1000} s after injection`
    : injectorSaid ||
      result.stderr.trim().split('\n').slice(-2).join(' ') ||
      `exit code ${result.code}`;
  throw new SshError(
    'launch-failed',
    `could not attach to process ${pid} with debugpy (${why}); run the preflight checks for ptrace, gdb and debugpy`,
  );
}
