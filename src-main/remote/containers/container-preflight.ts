/**
 * The container checks of a launch's preflight, in order: `engine` (the engine's CLI is on the
 * user's PATH on the machine: its version), `engine-socket` (its daemon answers this user: no
 * permission on Docker's socket is named with the fix; Podman, which has no daemon, reads the
 * user's store), `container` (it exists and runs). The
 * Python and debugpy checks that follow are the machine's own probe, run inside the container
 * (`remote/probes/preflight.ts`).
 */
import type { PreflightCheck } from '../../../src-common/protocol/connections.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import type { ContainerPlace } from './container-place.js';
import { engineProblem } from './engine-errors.js';
import { inspectCommand, parseInspect } from './container-inspect.js';

/** The ids of the checks this runs. */
export type ContainerCheckId = 'engine' | 'engine-socket' | 'container';

/** The ids, in order. */
export const CONTAINER_CHECKS: readonly ContainerCheckId[] = [
  'engine',
  'engine-socket',
  'container',
];

/** Adds one check's result. */
export type AddContainerCheck = (
  id: ContainerCheckId,
  status: PreflightCheck['status'],
  detail: string,
  fix?: string,
) => void;

/**
 * Runs the checks over `connection` and adds each; the checks after a failed one are `skipped`.
 * @returns true when the container is there and running (the Python checks may run in it).
 * @throws SshError `ssh-failed` when a command cannot run at all.
 */
export async function checkContainer(
  connection: SshConnection,
  place: ContainerPlace,
  add: AddContainerCheck,
): Promise<boolean> {
  const where = { ...connection.target, container: place.target.name };
  const skip = (ids: ContainerCheckId[]): false => {
    for (const id of ids) add(id, 'skipped', 'not checked: an earlier check failed');
    return false;
  };
  const version = await connection.run(shellJoin([place.cli, '--version']));
  const noCli = engineProblem(place.target.kind, version, where);
  if (noCli) {
    add('engine', 'failed', noCli.message, noCli.fix);
    return skip(['engine-socket', 'container']);
  }
  add('engine', 'ok', version.stdout.trim().split('\n')[0] ?? place.cli);

  const inspected = await connection.run(inspectCommand(place.target.kind, place.target.name), {
    maxOutputBytes: 4 * 1024 * 1024,
  });
  const problem = engineProblem(place.target.kind, inspected, where);
  if (problem && problem.kind !== 'no-container' && problem.kind !== 'not-running') {
    add('engine-socket', 'failed', problem.message, problem.fix);
    return skip(['container']);
  }
  // Podman has no daemon: its CLI reads the user's own store (root's, or rootless).
  add(
    'engine-socket',
    'ok',
    place.target.kind === 'podman'
      ? `podman reads ${where.user}'s container store`
      : `the ${place.cli} daemon answers ${where.user}`,
  );
  if (problem) {
    add('container', 'failed', problem.message, problem.fix);
    return false;
  }
  const details = parseInspect(inspected.stdout);
  if (!details?.running) {
    add(
      'container',
      'failed',
      `container "${place.target.name}" on ${where.host} is not running`,
      `Start it: \`${place.cli} start ${place.target.name}\`.`,
    );
    return false;
  }
  add('container', 'ok', `"${details.name}" runs (${details.id.slice(0, 12)})`);
  return true;
}
