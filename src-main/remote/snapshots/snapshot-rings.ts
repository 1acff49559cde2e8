/**
 * Every ring directory a profile's snapshots can be in: the machine's own, and one inside each
 * container saved as a target of the profile (a program launched there writes its snapshots
 * inside the container, where the machine's SFTP cannot see them). Each ring lists its files
 * and reads one of them over the same SSH connection.
 */
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import { containerPlace } from '../containers/container-place.js';
import { readContainerFile } from '../containers/container-files.js';
import { listSnapshotRing, type RingListing } from './snapshot-ring.js';

/** One ring directory and how to reach its files. */
export interface SnapshotRing {
  /** For logs and errors: `the machine` or `container "web" (docker)`. */
  label: string;
  /** Lists the ring (see {@link listSnapshotRing}); rejects with its `SshError`. */
  list(): Promise<RingListing>;
  /**
   * Reads one file of the ring, at most `maxBytes`; rejects with `SshError` (`file-not-found`,
   * `file-too-big`, `ssh-failed`).
   */
  read(path: string, maxBytes: number): Promise<Buffer>;
}

/**
 * The rings of `profile` over `connection`: the machine's first, then one per saved container
 * (in the profile's order), each listed by the interpreter that runs its programs, as the user
 * that runs them (the container's root when the profile uses sudo, as its launches do).
 * `directory` is the ring directory setting (`~` is each place's own home).
 */
export function snapshotRings(
  connection: SshConnection,
  profile: Pick<Profile, 'python' | 'containers' | 'sudo'>,
  directory: string,
): SnapshotRing[] {
  const machine: SnapshotRing = {
    label: 'the machine',
    list: () => listSnapshotRing(connection, profile.python, directory),
    read: (path, maxBytes) => connection.readFile(path, maxBytes),
  };
  const containers = profile.containers.map((target): SnapshotRing => {
    const place = containerPlace(target, profile.python, profile.sudo === true);
    return {
      label: place.label,
      list: () => listSnapshotRing(connection, place.python, directory, place),
      read: (path, maxBytes) => readContainerFile(connection, place, path, maxBytes),
    };
  });
  return [machine, ...containers];
}
