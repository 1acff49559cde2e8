/**
 * Which container each process of the machine runs in (issue 14), for the attach picker: the
 * container id from `/proc/<pid>/cgroup` (cgroup v1 and v2; Docker with the cgroupfs driver
 * `/docker/<id>`, with systemd `docker-<id>.scope`; Podman `libpod-<id>`, its `libpod-conmon-`
 * monitor excluded), the pid inside from `/proc/<pid>/status`'s `NSpid`, and the names from one
 * `docker ps` (and `podman ps`) where that CLI is installed. One exec for the files, one for the
 * names, and the second only when some process is in a container.
 */
import type { ProcessContainer } from '../../../src-common/protocol/connections.js';
import type { ContainerEngine } from '../../../src-common/protocol/containers.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';

/** The line that starts each process's part of the probe's output. */
const PROCESS_MARK = '@pid ';

// The id follows `docker/` (cgroupfs), `docker-` (systemd scope), or `libpod-` (Podman).
const CONTAINER_ID = /(?:^|\/)(docker|libpod)[-/]([0-9a-f]{64})(?:\.scope)?(?=\/|$)/g;

/** A container id and the engine that names it so, from one process's cgroup file. */
export interface CgroupContainer {
  kind: ContainerEngine;
  /** 64 hex digits. */
  id: string;
}

/**
 * The container `/proc/<pid>/cgroup`'s text places a process in, or undefined (a process of
 * the machine). A path nested in several containers names the innermost (its last id).
 */
export function containerOfCgroup(text: string): CgroupContainer | undefined {
  let found: CgroupContainer | undefined;
  for (const line of text.split('\n')) {
    // "hierarchy-id:controllers:path"; the path may itself hold colons.
    const path = line.split(':').slice(2).join(':');
    for (const match of path.matchAll(CONTAINER_ID)) {
      found = { kind: match[1] === 'libpod' ? 'podman' : 'docker', id: match[2]! };
    }
    if (found) return found;
  }
  return undefined;
}

/**
 * The pid inside the process's innermost pid namespace from `/proc/<pid>/status`'s text (the
 * last field of `NSpid:`), or undefined when there is no such line.
 */
export function pidInsideOf(status: string): number | undefined {
  const line = status.split('\n').find((l) => l.startsWith('NSpid:'));
  const last = line?.slice('NSpid:'.length).trim().split(/\s+/).pop();
  const pid = Number(last);
  return last && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The shell command that prints each pid's cgroup and NSpid line after a `@pid N` line. */
export function probeCommand(pids: readonly number[]): string {
  const list = pids.filter((p) => Number.isInteger(p) && p > 0).join(' ');
  return `for p in ${list}; do echo "${PROCESS_MARK}$p"; cat /proc/$p/cgroup; grep '^NSpid:' /proc/$p/status; done 2>/dev/null; true`;
}

/** Each pid's container (without its name) from {@link probeCommand}'s output. */
export function parseProbe(
  stdout: string,
): Map<number, { container: CgroupContainer; pid?: number }> {
  const found = new Map<number, { container: CgroupContainer; pid?: number }>();
  for (const part of stdout.split(PROCESS_MARK).slice(1)) {
    const newline = part.indexOf('\n');
    const pid = Number(part.slice(0, newline < 0 ? undefined : newline));
    const body = newline < 0 ? '' : part.slice(newline + 1);
    const container = containerOfCgroup(body);
    if (!Number.isInteger(pid) || !container) continue;
    const inside = pidInsideOf(body);
    found.set(pid, { container, ...(inside !== undefined && { pid: inside }) });
  }
  return found;
}

/** The shell command that lists running containers' full ids and names of each engine there. */
export function namesCommand(kinds: ReadonlySet<ContainerEngine>): string {
  return [...kinds]
    .map(
      (cli) =>
        `command -v ${cli} >/dev/null 2>&1 && ${cli} ps --no-trunc --format '{{.ID}} {{.Names}}' 2>/dev/null | sed 's/^/${cli} /'`,
    )
    .join('; ')
    .concat('; true');
}

/**
 * Names by `kind id` from {@link namesCommand}'s output (`docker <id> <name>[,<name>…]`, the
 * first name).
 */
export function parseNames(stdout: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [kind, id, name] = line.trim().split(/\s+/);
    if (!kind || !id || !name) continue;
    names.set(`${kind} ${id}`, name.split(',')[0]!);
  }
  return names;
}

/**
 * The container of each of `pids` that runs in one, by pid. Never throws for what it cannot
 * read: a process whose files vanished, or an engine CLI that fails, gives no entry or no name.
 * @throws SshError only when the exec channel itself fails.
 */
export async function locateContainers(
  connection: SshConnection,
  pids: readonly number[],
): Promise<Map<number, ProcessContainer>> {
  const located = new Map<number, ProcessContainer>();
  if (pids.length === 0) return located;
  const probe = await connection.run(probeCommand(pids), { maxOutputBytes: 4 * 1024 * 1024 });
  const found = parseProbe(probe.stdout);
  if (found.size === 0) return located;
  const kinds = new Set([...found.values()].map((f) => f.container.kind));
  const names = parseNames(
    (await connection.run(namesCommand(kinds), { maxOutputBytes: 1024 * 1024 })).stdout,
  );
  for (const [pid, { container, pid: inside }] of found) {
    located.set(pid, {
      ...container,
      name: names.get(`${container.kind} ${container.id}`) ?? '',
      ...(inside !== undefined && { pid: inside }),
    });
  }
  return located;
}
