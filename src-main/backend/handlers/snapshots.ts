/**
 * App requests about snapshots (`docs/snapshot-format.md`): the ones kept on this machine
 * (`snapshots/snapshot-store.ts`), fetching a profile's over SSH (its ring directories — the
 * machine's and one inside each saved container, `remote/snapshots/snapshot-rings.ts` — each
 * file read over SFTP or inside its container), opening one as a read-only
 * session (`SessionStarter.openSnapshot`), a file the person chose, and installing the capture
 * on a profile's machine for programs started by hand. Every change is broadcast as
 * `snapshots.changed`.
 */
import { requireProfile, type AppHandlers, type BackendParts } from './handler-types.js';
import { overProfileLink } from './files.js';
import {
  DEFAULT_CAPTURE_DIRECTORY,
  DEFAULT_SNAPSHOT_DIRECTORY,
  installCapture,
  type RingListing,
} from '../../remote/snapshots/snapshot-ring.js';
import { snapshotRings, type SnapshotRing } from '../../remote/snapshots/snapshot-rings.js';
import { MAX_SNAPSHOT_FILE_BYTES, SnapshotFormatError } from '../../snapshots/snapshot-document.js';
import { shellQuote } from '../../ssh/exec/shell-quote.js';
import { RelayError, errorMessage } from '../../../src-common/errors.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { ClientHandle } from '../clients/client-handle.js';

type SnapshotMethod =
  | 'snapshots.list'
  | 'snapshots.fetch'
  | 'snapshots.open'
  | 'snapshots.openFile'
  | 'snapshots.remove'
  | 'snapshots.install';

/**
 * Most snapshots fetched in one `snapshots.fetch` (the newest ones not kept yet, the machine's
 * ring first, then the saved containers' in order).
 */
export const MAX_FETCHED_AT_ONCE = 100;

/** The capture's setting of the ring directory (`periscope_capture.py`). */
const RING_VARIABLE = 'PERISCOPE_CAPTURE_DIR';

/**
 * The profile's ring directory: its `PERISCOPE_CAPTURE_DIR` environment variable when it sets one
 * (its launched programs then write there too), else the capture's default.
 */
export function ringDirectoryOf(profile: Pick<Profile, 'env'>): string {
  return profile.env.find((v) => v.name === RING_VARIABLE)?.value || DEFAULT_SNAPSHOT_DIRECTORY;
}

/** Handlers of the `snapshots.*` methods. */
export function snapshotHandlers(parts: BackendParts): AppHandlers<SnapshotMethod> {
  const { profileStore, snapshots, starter, logger } = parts;
  const open = async (client: ClientHandle, snapshotId: string) => {
    const kept = await snapshots.read(snapshotId).catch((error: unknown) => {
      throw new RelayError('not-found', `That snapshot cannot be opened: ${errorMessage(error)}`);
    });
    const profile = kept.summary.profileId ? profileStore.get(kept.summary.profileId) : undefined;
    return starter.openSnapshot(client, kept.doc, kept.summary, profile?.name);
  };
  /** Keeps the newest files of `listing` not kept yet, at most `limit`; resolves to the count. */
  const fetchMissing = async (
    ring: SnapshotRing,
    listing: RingListing,
    profileId: string,
    limit: number,
  ): Promise<number> => {
    const missing: string[] = [];
    for (const file of [...listing.files].reverse()) {
      if (missing.length >= limit) break;
      if (!(await snapshots.has(file.name))) missing.push(file.name);
    }
    let count = 0;
    for (const name of missing) {
      try {
        const bytes = await ring.read(`${listing.directory}/${name}`, MAX_SNAPSHOT_FILE_BYTES);
        await snapshots.add(name, bytes, profileId);
        count += 1;
      } catch (error) {
        // Trimmed from the ring meanwhile, or not a snapshot: the others still come.
        logger.warn('a snapshot was not fetched', {
          name,
          ring: ring.label,
          error: errorMessage(error),
        });
      }
    }
    return count;
  };
  return {
    'snapshots.list': async () => ({ snapshots: await snapshots.list() }),
    'snapshots.fetch': async (client, { profileId }) => {
      const profile = requireProfile(profileStore, profileId);
      const fetched = await overProfileLink(parts, client, profile, async (connection) => {
        let count = 0;
        let reached = 0;
        let firstError: unknown;
        for (const ring of snapshotRings(connection, profile, ringDirectoryOf(profile))) {
          let listing;
          try {
            listing = await ring.list();
            reached += 1;
          } catch (error) {
            // A saved container that is stopped or gone has nothing to fetch now; the machine's
            // own ring failing is the answer's error unless a container's was reached.
            firstError ??= error;
            logger.warn('a snapshot ring was not listed', {
              ring: ring.label,
              error: errorMessage(error),
            });
            continue;
          }
          count += await fetchMissing(ring, listing, profileId, MAX_FETCHED_AT_ONCE - count);
          if (count >= MAX_FETCHED_AT_ONCE) break;
        }
        if (reached === 0) throw firstError;
        return count;
      });
      if (fetched > 0) await parts.snapshotsChanged();
      return { snapshots: await snapshots.list(), fetched };
    },
    'snapshots.open': (client, { snapshotId }) => open(client, snapshotId),
    'snapshots.openFile': async (client, { name, data }) => {
      let snapshot;
      try {
        snapshot = await snapshots.add(name, Buffer.from(data, 'base64'), null);
      } catch (error) {
        if (error instanceof SnapshotFormatError)
          throw new RelayError('invalid-message', `${name} cannot be opened: ${error.message}`);
        throw error;
      }
      await parts.snapshotsChanged();
      return { snapshot, ...(await open(client, snapshot.id)) };
    },
    'snapshots.remove': async (_client, { snapshotId }) => {
      await snapshots.remove(snapshotId);
      await parts.snapshotsChanged();
      return {};
    },
    'snapshots.install': async (client, { profileId }) => {
      const profile = requireProfile(profileStore, profileId);
      const ring = ringDirectoryOf(profile);
      const installed = await overProfileLink(parts, client, profile, (connection) =>
        installCapture(connection, profile.python, DEFAULT_CAPTURE_DIRECTORY, ring),
      );
      const ringSetting =
        ring === DEFAULT_SNAPSHOT_DIRECTORY
          ? ''
          : `${RING_VARIABLE}=${shellQuote(installed.snapshotDirectory)} `;
      return {
        ...installed,
        pythonPathPrefix: `${ringSetting}PYTHONPATH=${shellQuote(installed.directory)} `,
        // enable() reads PERISCOPE_CAPTURE_DIR too; the line names a ring of the profile's own.
        line: `import sys; sys.path.insert(0, ${JSON.stringify(installed.directory)}); import periscope_capture; periscope_capture.enable(${ringSetting ? `directory=${JSON.stringify(installed.snapshotDirectory)}` : ''})`,
      };
    },
  };
}
