/**
 * One container's details from `docker inspect --type container NAME` (a JSON array of one
 * object; Podman's has the same keys used here): whether it runs, its working directory
 * (`Config.WorkingDir`), its mounts, and the path mappings its bind mounts suggest.
 */
import type {
  ContainerDetails,
  ContainerEngine,
  ContainerMount,
} from '../../../src-common/protocol/containers.js';
import type { PathMapping } from '../../../src-common/protocol/profile.js';
import { toLocalPath } from '../../../src-common/path-mapping.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';
import { engineProblem, type EngineProblem } from './engine-errors.js';

/** The command line that prints container `name`'s details. */
export function inspectCommand(cli: ContainerEngine, name: string): string {
  return shellJoin([cli, 'inspect', '--type', 'container', name]);
}

/** What {@link inspectContainer} gives: the details, or the named problem. */
export type Inspected = { details: ContainerDetails } | { problem: EngineProblem };

/**
 * Inspects container `name` over `connection`; `profileMappings` (laptop → remote machine) turn a
 * bind mount's source into a laptop path where they cover it. Never rejects for the engine's
 * failures (they are the `problem`).
 * @throws SshError `ssh-failed` when the command cannot run.
 */
export async function inspectContainer(
  connection: SshConnection,
  cli: ContainerEngine,
  name: string,
  profileMappings: readonly PathMapping[] = [],
): Promise<Inspected> {
  const result = await connection.run(inspectCommand(cli, name), {
    maxOutputBytes: 4 * 1024 * 1024,
  });
  const problem = engineProblem(cli, result, { ...connection.target, container: name });
  if (problem) return { problem };
  const details = parseInspect(result.stdout, profileMappings);
  if (!details)
    return {
      problem: {
        kind: 'other',
        message: `${cli} inspect ${name} printed no container's details`,
      },
    };
  return { details };
}

/**
 * {@link inspectContainer} for callers that want an error.
 * @throws SshError `launch-failed` (message and fix) for an engine problem; `ssh-failed`.
 */
export async function requireContainer(
  connection: SshConnection,
  cli: ContainerEngine,
  name: string,
  profileMappings: readonly PathMapping[] = [],
): Promise<ContainerDetails> {
  const inspected = await inspectContainer(connection, cli, name, profileMappings);
  if ('problem' in inspected) {
    const { message, fix } = inspected.problem;
    throw new SshError('launch-failed', `${message}${fix ? `. ${fix}` : ''}`);
  }
  return inspected.details;
}

/** Parses `docker inspect`'s JSON; undefined when it holds no container object. */
export function parseInspect(
  stdout: string,
  profileMappings: readonly PathMapping[] = [],
): ContainerDetails | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  const first: unknown = Array.isArray(parsed) ? parsed[0] : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const c = first as {
    Id?: unknown;
    Name?: unknown;
    State?: { Running?: unknown };
    Config?: { WorkingDir?: unknown };
    Mounts?: unknown;
  };
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const mounts: ContainerMount[] = (Array.isArray(c.Mounts) ? (c.Mounts as unknown[]) : [])
    .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null)
    .map((m) => ({
      type: text(m.Type),
      source: text(m.Source),
      destination: text(m.Destination),
      rw: m.RW === true,
    }))
    .filter((m) => m.source.startsWith('/') && m.destination.startsWith('/'));
  return {
    id: text(c.Id),
    name: text(c.Name).replace(/^\//, ''),
    running: c.State?.Running === true,
    workingDir: text(c.Config?.WorkingDir),
    mounts,
    suggestedMappings: suggestMappings(mounts, profileMappings),
  };
}

/**
 * One mapping per bind mount, deepest destination first (debugpy takes the first mapping that
 * matches): the source — as a laptop path when a profile mapping covers it — to the destination.
 * System directories bound in whole (`/usr`, `/etc`, …) are not suggested: nobody sets
 * breakpoints there by a path of the machine.
 */
export function suggestMappings(
  mounts: readonly ContainerMount[],
  profileMappings: readonly PathMapping[],
): PathMapping[] {
  return mounts
    .filter((m) => m.type === 'bind' && !SYSTEM_DIRECTORIES.has(m.destination))
    .sort((a, b) => depth(b.destination) - depth(a.destination))
    .map((m) => ({ localRoot: toLocalPath(m.source, profileMappings), remoteRoot: m.destination }));
}

/** Directories whose whole-directory bind mounts are the system's, not a project's. */
const SYSTEM_DIRECTORIES = new Set([
  '/',
  '/usr',
  '/lib',
  '/lib64',
  '/lib32',
  '/bin',
  '/sbin',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/var/run',
  '/var/run/docker.sock',
  '/tmp',
]);

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}
