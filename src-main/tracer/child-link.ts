/**
 * How a tracer reached over SSH (launch, attach by pid or port) reaches the adapter of a child
 * process it announced, and names that process for the process tree. The child's `connect` is
 * the address debugpy copied from the parent's attach, else the adapter's own listener: the
 * loopback port the tracer's local forward already leads to, so the child's DAP connection goes
 * through that same forward; any other port of the remote machine gets a local forward of its
 * own, closed with the tracer's.
 */
import { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';
import { KeptLocalForward } from '../ssh/forwards/kept-local-forward.js';
import { connectLoopback } from './loopback-socket.js';

/** Longest command line kept for the process tree, in characters. */
const MAX_COMMAND_CHARS = 300;

/**
 * A DAP connection to a child's adapter at `connect` on the remote machine: `open` (the
 * tracer's own forward) when `connect` is absent or names `tracerPort` on loopback, else a new
 * local forward to it. @throws when nothing answers.
 */
export async function openChildVia(
  ssh: ReconnectingSsh,
  tracerPort: number,
  open: () => Promise<DapConnection>,
  connect: { host: string; port: number } | undefined,
  logger: Logger,
): Promise<DapConnection> {
  const loopback = connect === undefined || /^(127\.|localhost$|::1$)/.test(connect.host);
  if (!connect || (loopback && connect.port === tracerPort)) return open();
  const other = await KeptLocalForward.open(ssh, connect.host, connect.port, { logger });
  const socket = await connectLoopback(other.localPort).catch(async (error: unknown) => {
    await other.close().catch(() => undefined);
    throw error;
  });
  socket.setNoDelay(true);
  const dap = new DapConnection(socket, { name: `child ${connect.host}:${connect.port}`, logger });
  dap.onClose(() => void other.close().catch(() => undefined));
  return dap;
}

/** `ps -o args=` of `pid` over the link's current connection, trimmed; undefined if unknown. */
export async function describeRemoteProcess(
  ssh: ReconnectingSsh,
  pid: number,
): Promise<string | undefined> {
  const connection = ssh.current;
  if (!connection || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    const result = await connection.run(`ps -o args= -p ${pid}`, { maxOutputBytes: 8192 });
    const command = cleanCommand(result.stdout.trim().split('\n')[0]?.trim() ?? '');
    if (!command) return undefined;
    return command.length > MAX_COMMAND_CHARS ? `${command.slice(0, MAX_COMMAND_CHARS)}…` : command;
  } catch {
    return undefined;
  }
}

/** multiprocessing's own processes, by what their `-c` code runs (CPython `multiprocessing/`). */
const MULTIPROCESSING = [
  [/from multiprocessing\.spawn import spawn_main/, 'multiprocessing worker (spawn)'],
  [/from multiprocessing\.forkserver import main/, 'multiprocessing fork server'],
  [/from multiprocessing\.resource_tracker import main/, 'multiprocessing resource tracker'],
] as const;

/**
 * A child's command line as its user would name it:
 * - debugpy rewrites a spawned or exec'd Python child's command line to start pydevd first
 *   (`pydev_monkey.py`: `patch_args`), as `python …/pydevd.py --port N --ppid N --client H
 *   --access-token T … --file <program> <args>` or `python -c "…; pydevd.settrace(…); <the
 *   child's own -c code>"`: cut back to the program and its arguments;
 * - a forked child has its parent's command line, which for a launch is `python -m debugpy
 *   --listen … <program>`: the debugpy part goes;
 * - multiprocessing's own processes are named for what they are (a spawn worker, the fork
 *   server, the resource tracker) instead of their one-line `-c` program.
 * No access token is ever kept.
 */
export function cleanCommand(command: string): string {
  const python = command.split(/\s+/)[0] ?? 'python';
  const file = / \S*pydevd\.py .*? --file (.*)$/.exec(command);
  let cleaned = command;
  if (file) cleaned = `${python} ${file[1]}`;
  else {
    const settrace = command.indexOf('pydevd.settrace(');
    const end = settrace >= 0 ? command.indexOf('}); ', settrace) : -1;
    if (end >= 0) cleaned = `${python} -c ${command.slice(end + 4)}`;
  }
  for (const [pattern, name] of MULTIPROCESSING) if (pattern.test(cleaned)) return name;
  return cleaned
    .replace(/ -X ?frozen_modules=off/g, '')
    .replace(
      / -m debugpy(?: +--(?:listen|connect|log-to|configure-\S+) +\S+| +--(?:wait-for-client|log-to-stderr))*/,
      '',
    )
    .replace(/(--(?:client-)?access-token)[ =]\S+/g, '$1 …');
}
