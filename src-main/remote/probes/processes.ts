/**
 * The remote user's Python processes, for the attach picker (`ps`); on the machine, each with
 * the container it runs in, if any (`process-containers.ts`). Injecting debugpy into one of them
 * is `debugpy-injector.ts`; the attach itself is `tracer/attach-tracer.ts`.
 */
import type { RemoteProcessInfo } from '../../../src-common/protocol/connections.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { SshError } from '../../ssh/ssh-error.js';
import { locateContainers } from './process-containers.js';

// `ps -o lstart` is 24 characters in the C locale: "Mon Jan  1 12:00:00 2024".
const PS_LINE = /^\s*(\d+)\s+(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\s+(.+)$/;
const PYTHON_ARGV0 = /(^|\/)python[\d.]*$/;

/**
 * The remote user's Python processes (argv[0] named `python…`), newest first, without the
 * adapters Periscope or debugpy started themselves. Listed on the machine (no `place`), a
 * process inside a container has `container` (its name, and its pid there).
 * @throws SshError `ssh-failed` when `ps` cannot run.
 */
export async function listPythonProcesses(
  connection: SshConnection,
  /** Lists inside a container instead (`InjectContext.place`); pids are then the container's. */
  place?: (command: string) => string,
): Promise<RemoteProcessInfo[]> {
  const ps = 'LC_ALL=C ps -u "$(id -u)" -o pid=,lstart=,args=';
  const result = await connection.run(place ? place(ps) : ps, {
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
  processes.sort((a, b) => b.pid - a.pid);
  if (place) return processes;
  const containers = await locateContainers(
    connection,
    processes.map((p) => p.pid),
  );
  return processes.map((p) => {
    const container = containers.get(p.pid);
    return container ? { ...p, container } : p;
  });
}
