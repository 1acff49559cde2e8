/**
 * App requests about a profile machine's files: quick open's index (`files.index`, the Python
 * files under a directory, `remote/files/file-index.ts`) and the Files panel's directory listings
 * (`files.list`, SFTP), over the profile's shared SSH link
 * (`connect/profile-links.ts`), held only for the request.
 */
import { requireProfile, type AppHandlers, type BackendParts } from './handler-types.js';
import { indexRemoteFiles } from '../../remote/files/file-index.js';
import { SshError } from '../../ssh/ssh-error.js';
import type { RemoteFileReader } from '../../tracer/source-reader.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { ClientHandle } from '../clients/client-handle.js';

type FileMethod = 'files.index' | 'files.list';

/**
 * A reader of `profile`'s remote files over its shared link, for `source.read` without a
 * session (a file found with quick open before anything runs).
 */
export function profileFileReader(
  { profileLinks, connections }: Pick<BackendParts, 'profileLinks' | 'connections'>,
  client: ClientHandle,
  profile: Profile,
): RemoteFileReader {
  return async (path, maxBytes) => {
    const lease = await profileLinks.acquire(profile, connections.keepingUp(client, profile));
    try {
      const connection = lease.link.current;
      if (!connection)
        throw new SshError('ssh-failed', `the SSH connection to ${profile.host} is reconnecting`);
      return await connection.readFile(path, maxBytes);
    } finally {
      await lease.release();
    }
  };
}

/** Handlers of the `files.*` methods. */
export function fileHandlers(parts: BackendParts): AppHandlers<FileMethod> {
  const { profileStore, profileLinks, connections } = parts;
  return {
    'files.index': async (client, { profileId, root }) => {
      const profile = requireProfile(profileStore, profileId);
      const lease = await profileLinks.acquire(profile, connections.keepingUp(client, profile));
      try {
        const connection = lease.link.current;
        if (!connection)
          throw new SshError(
            'ssh-failed',
            `the SSH connection to ${profile.host} is reconnecting; try again when it is back`,
          );
        return await indexRemoteFiles(connection, profile.python, root || '~');
      } finally {
        await lease.release();
      }
    },
    'files.list': async (client, { profileId, path }) => {
      const profile = requireProfile(profileStore, profileId);
      const lease = await profileLinks.acquire(profile, connections.keepingUp(client, profile));
      try {
        const connection = lease.link.current;
        if (!connection)
          throw new SshError(
            'ssh-failed',
            `the SSH connection to ${profile.host} is reconnecting; try again when it is back`,
          );
        return await connection.listDirectory(path || '~');
      } finally {
        await lease.release();
      }
    },
  };
}
