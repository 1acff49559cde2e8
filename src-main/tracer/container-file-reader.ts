/**
 * Reads the sources of a session whose program runs in a container: inside the container first
 * (`docker exec`, `remote/containers/container-files.ts`), then on the machine over SFTP for a
 * path that is the machine's own (a bind mount's source, named through a path mapping).
 */
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';
import { SshError } from '../ssh/ssh-error.js';
import type { ContainerPlace } from '../remote/containers/container-place.js';
import { readContainerFile } from '../remote/containers/container-files.js';
import { linkFileReader } from './link-file-reader.js';
import type { RemoteFileReader } from './source-reader.js';

/**
 * A {@link RemoteFileReader} for `place` over `ssh`; `host` names the machine in errors.
 * A file missing in both places fails with the container's `file-not-found`.
 */
export function containerFileReader(
  ssh: ReconnectingSsh,
  place: ContainerPlace,
  host: string,
): RemoteFileReader {
  const onMachine = linkFileReader(ssh, host);
  return async (path, maxBytes) => {
    const current = ssh.current;
    if (!current) return onMachine(path, maxBytes);
    try {
      return await readContainerFile(current, place, path, maxBytes);
    } catch (error) {
      if (!(error instanceof SshError) || error.code !== 'file-not-found') throw error;
      try {
        return await onMachine(path, maxBytes);
      } catch {
        throw error;
      }
    }
  };
}
