/**
 * App requests about connecting to a profile's machine for a client
 * (`connect/client-connections.ts`): the pre-flight check before a launch
 * (`remote/probes/preflight.ts`), the Python processes one could attach to
 * (`remote/probes/processes.ts`), and the client's answers to the host key and password questions a
 * connection asked it.
 */
import { RelayError } from '../../../src-common/errors.js';
import { requireProfile, type AppHandlers, type BackendParts } from './handler-types.js';
import { runPreflight } from '../../remote/probes/preflight.js';
import { listPythonProcesses } from '../../remote/probes/processes.js';
import { containerPlace } from '../../remote/containers/container-place.js';

/** The connection methods. */
type ConnectionMethod = 'session.preflight' | 'processes.list' | 'hostKey.answer' | 'secret.answer';

/** Handlers of the connection methods. */
export function connectionHandlers({
  profileStore,
  connections,
  injectorVerdicts,
  logger,
}: BackendParts): AppHandlers<ConnectionMethod> {
  return {
    'session.preflight': (client, params) => {
      const profile = requireProfile(profileStore, params.profileId);
      return runPreflight(profile, params, () => connections.connect(client, profile), {
        verdicts: injectorVerdicts,
        logger,
      });
    },
    'processes.list': async (client, { profileId, container }) => {
      const profile = requireProfile(profileStore, profileId);
      const connection = await connections.connect(client, profile);
      try {
        const place = container && containerPlace(container, profile.python);
        return {
          processes: await listPythonProcesses(connection, place && ((c) => place.wrap(c))),
        };
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
    'hostKey.answer': (client, { promptId, accept }) => {
      if (!connections.answerHostKey(client, promptId, accept)) {
        throw new RelayError(
          'not-found',
          'That host key question is no longer open (it expired or was answered).',
        );
      }
      return Promise.resolve({});
    },
    'secret.answer': (client, { promptId, answers, remember }) => {
      if (!connections.answerSecret(client, promptId, answers, remember ?? false)) {
        throw new RelayError(
          'not-found',
          'That password question is no longer open (it expired or was answered).',
        );
      }
      return Promise.resolve({});
    },
  };
}
