/**
 * The containers of the remote machine: `docker ps --all --format '{{json .}}'` over the SSH exec
 * channel, one JSON object per line; Podman takes the same command and prints the same keys,
 * but 4.3 (Debian 12) prints them as one JSON array over many lines. A machine's list asks each
 * engine's CLI (`docker` and `podman`: a machine may have both) and tags each container with
 * its engine; running containers first. Failures are named (`engine-errors.ts`).
 */
import type { ContainerEngine, ContainerInfo } from '../../../src-common/protocol/containers.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';
import { engineProblem } from './engine-errors.js';

/** Most containers listed. */
export const MAX_CONTAINERS_LISTED = 1000;

/** The command line that lists every container of `cli`, one JSON object a line. */
export function listCommand(cli: ContainerEngine): string {
  return shellJoin([cli, 'ps', '--all', '--no-trunc', '--format', '{{json .}}']);
}

/** The engines a machine's list asks, in this order. */
export const CONTAINER_ENGINES: readonly ContainerEngine[] = ['docker', 'podman'];

/** What {@link listMachineContainers} found. */
export interface MachineContainers {
  /** Every engine's containers, running first, then by name. */
  containers: ContainerInfo[];
  /**
   * A sentence (message and fix) for each engine that is installed but failed, e.g. Docker's
   * socket not permitted while Podman listed; an engine whose CLI is missing is not named.
   */
  problems: string[];
}

/**
 * Lists the containers of every engine in {@link CONTAINER_ENGINES} over `connection`.
 * @throws SshError `launch-failed` when no engine listed: the one problem of an installed engine
 *   (each, joined), or, when none is installed, that neither CLI was found; `ssh-failed` when a
 *   command cannot run.
 */
export async function listMachineContainers(connection: SshConnection): Promise<MachineContainers> {
  const results = await Promise.all(
    CONTAINER_ENGINES.map(async (cli) => {
      const result = await connection.run(listCommand(cli), { maxOutputBytes: 4 * 1024 * 1024 });
      return { cli, problem: engineProblem(cli, result, connection.target), stdout: result.stdout };
    }),
  );
  const listed = results.filter((r) => !r.problem);
  const problems = results.flatMap(({ problem }) =>
    problem && problem.kind !== 'no-cli'
      ? [`${problem.message}${problem.fix ? `. ${problem.fix}` : ''}`]
      : [],
  );
  if (listed.length === 0) {
    const { host, user } = connection.target;
    throw new SshError(
      'launch-failed',
      problems.length > 0
        ? problems.join(' ')
        : `neither the docker nor the podman command was found on ${host} (not on ${user}'s PATH). Install Docker (e.g. \`sudo apt install docker.io\`) or Podman (\`sudo apt install podman\`) on ${host}.`,
    );
  }
  return {
    containers: sortContainers(listed.flatMap((r) => parseContainerList(r.stdout, r.cli))),
    problems,
  };
}

/**
 * Lists the containers of engine `cli` over `connection`, running first, then by name.
 * @throws SshError `launch-failed` naming the problem and its fix (no CLI, socket permission,
 *   daemon down); `ssh-failed` when the command cannot run.
 */
export async function listContainers(
  connection: SshConnection,
  cli: ContainerEngine,
): Promise<ContainerInfo[]> {
  const result = await connection.run(listCommand(cli), { maxOutputBytes: 4 * 1024 * 1024 });
  const problem = engineProblem(cli, result, connection.target);
  if (problem)
    throw new SshError(
      'launch-failed',
      `${problem.message}${problem.fix ? `. ${problem.fix}` : ''}`,
    );
  return parseContainerList(result.stdout, cli);
}

/**
 * Parses `ps --format '{{json .}}'` output of engine `kind`: one object a line (Docker, newer
 * Podman) or one JSON array (Podman 4.3); lines that are not such objects are skipped.
 */
export function parseContainerList(stdout: string, kind: ContainerEngine): ContainerInfo[] {
  const containers: ContainerInfo[] = [];
  for (const row of rowsOf(stdout)) {
    const info = toInfo(row, kind);
    if (info) containers.push(info);
    if (containers.length >= MAX_CONTAINERS_LISTED) break;
  }
  return sortContainers(containers);
}

function rowsOf(stdout: string): unknown[] {
  const array = stdout.search(/^\[/m);
  if (array >= 0) {
    try {
      const parsed: unknown = JSON.parse(stdout.slice(array));
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // Not one array: read it line by line.
    }
  }
  return stdout.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      return [];
    }
  });
}

function sortContainers(containers: ContainerInfo[]): ContainerInfo[] {
  return containers.sort(
    (a, b) =>
      Number(b.state === 'running') - Number(a.state === 'running') ||
      a.name.localeCompare(b.name) ||
      a.kind.localeCompare(b.kind),
  );
}

function toInfo(row: unknown, kind: ContainerEngine): ContainerInfo | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const r = row as Record<string, unknown>;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  // Docker: `Names` is "a,b"; Podman: `Names` is a list.
  const names = Array.isArray(r.Names) ? r.Names.map(text) : text(r.Names).split(',');
  const id = text(r.ID) || text(r.Id);
  const name = names[0]?.trim() || id.slice(0, 12);
  if (name === '') return undefined;
  return {
    kind,
    id: id.slice(0, 12),
    name,
    image: text(r.Image),
    state: text(r.State).toLowerCase(),
    status: text(r.Status),
  };
}
