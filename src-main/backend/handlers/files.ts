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
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';

type FileMethod = 'files.index' | 'files.list';

/**
 * Runs `work` with the current connection of `profile`'s shared SSH link
 * (`connect/profile-links.ts`), held only for it, asking `client` about host keys and secrets.
 * @throws SshError `ssh-failed` while the link is reconnecting; what `work` throws.
 */
export async function overProfileLink<T>(
  { profileLinks, connections }: Pick<BackendParts, 'profileLinks' | 'connections'>,
  client: ClientHandle,
  profile: Profile,
  work: (connection: SshConnection) => Promise<T>,
): Promise<T> {
  const lease = await profileLinks.acquire(profile, connections.keepingUp(client, profile));
  try {
    const connection = lease.link.current;
    if (!connection)
      throw new SshError(
        'ssh-failed',
        `the SSH connection to ${profile.host} is reconnecting; try again when it is back`,
      );
    return await work(connection);
  } finally {
    await lease.release();
  }
}

/**
 * A reader of `profile`'s remote files over its shared link, for `source.read` without a
 * session (a file found with quick open before anything runs).
 */
export function profileFileReader(
  parts: Pick<BackendParts, 'profileLinks' | 'connections'>,
  client: ClientHandle,
  profile: Profile,
): RemoteFileReader {
  return (path, maxBytes) =>
    overProfileLink(parts, client, profile, (connection) => connection.readFile(path, maxBytes));
}

/** Handlers of the `files.*` methods. */
export function fileHandlers(parts: BackendParts): AppHandlers<FileMethod> {
  const { profileStore } = parts;
  return {
    'files.index': (client, { profileId, root }) => {
      const profile = requireProfile(profileStore, profileId);
      return overProfileLink(parts, client, profile, (connection) =>
        indexRemoteFiles(connection, profile.python, root || '~'),
      );
    },
    'files.list': (client, { profileId, path }) => {
      const profile = requireProfile(profileStore, profileId);
      return overProfileLink(parts, client, profile, (connection) =>
        connection.listDirectory(path || '~'),
      );
    },
  };
}
