/**
 * App requests about the containers of a profile's machine (issue 14): list them, of one engine
 * or of both (`containers.list`), and inspect one for its mounts, working directory and
 * suggested path mappings (`containers.inspect`), each over a fresh SSH connection closed
 * afterwards (`remote/containers/`).
 */
import { RelayError } from '../../../src-common/errors.js';
import { requireProfile, type AppHandlers, type BackendParts } from './handler-types.js';
import { listContainers, listMachineContainers } from '../../remote/containers/container-list.js';
import { inspectContainer } from '../../remote/containers/container-inspect.js';
import { SshError } from '../../ssh/ssh-error.js';

type ContainerMethod = 'containers.list' | 'containers.inspect';

/** Handlers of the `containers.*` methods. */
export function containerHandlers({
  profileStore,
  connections,
}: BackendParts): AppHandlers<ContainerMethod> {
  return {
    'containers.list': async (client, { profileId, kind }) => {
      const connection = await connections.connect(client, requireProfile(profileStore, profileId));
      try {
        if (kind === undefined) return await listMachineContainers(connection);
        return { containers: await listContainers(connection, kind), problems: [] };
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
    'containers.inspect': async (client, { profileId, kind, name }) => {
      const profile = requireProfile(profileStore, profileId);
      const connection = await connections.connect(client, profile);
      try {
        const inspected = await inspectContainer(connection, kind, name, profile.pathMappings);
        if ('details' in inspected) return inspected.details;
        const { kind: problem, message, fix } = inspected.problem;
        const sentence = `${message}${fix ? `. ${fix}` : ''}`;
        if (problem === 'no-container') throw new RelayError('not-found', sentence);
        throw new SshError('launch-failed', sentence);
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
  };
}
