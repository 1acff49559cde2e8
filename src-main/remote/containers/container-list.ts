/**
 * The containers of the remote machine: `docker ps --all --format '{{json .}}'` (Podman prints
 * the same keys for this format) over the SSH exec channel, one JSON object per line, running
 * containers first. Failures are named (`engine-errors.ts`).
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

/**
 * Lists the containers over `connection`, running first, then by name.
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
  return parseContainerList(result.stdout);
}

/** Parses `docker ps --format '{{json .}}'` output; lines that are not such objects are skipped. */
export function parseContainerList(stdout: string): ContainerInfo[] {
  const containers: ContainerInfo[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      continue;
    }
    const info = toInfo(row);
    if (info) containers.push(info);
    if (containers.length >= MAX_CONTAINERS_LISTED) break;
  }
  return containers.sort(
    (a, b) =>
      Number(b.state === 'running') - Number(a.state === 'running') || a.name.localeCompare(b.name),
  );
}

function toInfo(row: unknown): ContainerInfo | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const r = row as Record<string, unknown>;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  // Docker: `Names` is "a,b"; Podman: `Names` is a list.
  const names = Array.isArray(r.Names) ? r.Names.map(text) : text(r.Names).split(',');
  const id = text(r.ID) || text(r.Id);
  const name = names[0]?.trim() || id.slice(0, 12);
  if (name === '') return undefined;
  return {
    id: id.slice(0, 12),
    name,
    image: text(r.Image),
    state: text(r.State).toLowerCase(),
    status: text(r.Status),
  };
}
