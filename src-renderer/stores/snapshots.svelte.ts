/**
 * The Snapshots panel's state: the snapshots kept by the app (`snapshots.list`, kept current by
 * `snapshots.changed`), fetching a profile's (`snapshots.fetch`: its ring directory over SSH),
 * opening one as a read-only session (`snapshots.open`, or `snapshots.openFile` with a file the
 * person chose), forgetting one, and installing the capture for programs started by hand
 * (`snapshots.install`, whose answer the panel shows).
 */
import type { CaptureInstall, SnapshotSummary } from '../../src-common/protocol/snapshots.js';
import { connection } from '../backend/connection.svelte.js';
import { errorMessage } from '../../src-common/errors.js';
import { sessions } from './sessions.svelte.js';

/** Largest file opened from disk, in bytes (the client message cap is 16 MiB of base64). */
export const MAX_OPENED_FILE_BYTES = 11 * 1024 * 1024;

class SnapshotsStore {
  list = $state.raw<SnapshotSummary[]>([]);
  /** The last failure of an action here, for the panel. */
  error = $state<string | null>(null);
  /** What the last fetch did, e.g. "2 new snapshots from web1". */
  notice = $state<string | null>(null);
  /** A fetch, open or install under way. */
  busy = $state(false);
  /** The last install's answer, shown until dismissed. */
  install = $state.raw<CaptureInstall | null>(null);
  private started = false;

  /** Subscribes to `snapshots.changed` and loads the list on every (re)connection. Idempotent. */
  init(): void {
    if (this.started) return;
    this.started = true;
    connection.client.onAppEvent('snapshots.changed', ({ snapshots }) => {
      this.list = snapshots;
    });
    connection.onConnected(() => void this.load());
    if (connection.state === 'connected') void this.load();
  }

  /** Reloads the list. */
  async load(): Promise<void> {
    await this.run(async () => {
      this.list = (await connection.client.request('snapshots.list', {})).snapshots;
    });
  }

  /** Fetches the snapshots of `profileId`'s machine that are not kept yet. */
  async fetch(profileId: string, profileName: string): Promise<void> {
    await this.run(async () => {
      const { snapshots, fetched } = await connection.client.request('snapshots.fetch', {
        profileId,
      });
      this.list = snapshots;
      this.notice =
        fetched === 0
          ? `No new snapshots on ${profileName}`
          : `${fetched} new snapshot${fetched === 1 ? '' : 's'} from ${profileName}`;
    });
  }

  /** Opens a kept snapshot as a read-only session and shows it. */
  async open(snapshotId: string): Promise<void> {
    await this.run(async () => {
      const { session } = await connection.client.request('snapshots.open', { snapshotId });
      await sessions.launched(session);
    });
  }

  /** Keeps and opens a snapshot file the person chose. */
  async openFile(file: File): Promise<void> {
    if (file.size > MAX_OPENED_FILE_BYTES) {
      this.error = `${file.name} is larger than ${MAX_OPENED_FILE_BYTES / 1024 / 1024} MiB`;
      return;
    }
    await this.run(async () => {
      const data = toBase64(new Uint8Array(await file.arrayBuffer()));
      const { session } = await connection.client.request('snapshots.openFile', {
        name: file.name,
        data,
      });
      await sessions.launched(session);
    });
  }

  /** Forgets a kept snapshot. */
  async remove(snapshotId: string): Promise<void> {
    await this.run(async () => {
      await connection.client.request('snapshots.remove', { snapshotId });
      this.list = this.list.filter((s) => s.id !== snapshotId);
    });
  }

  /** Installs the capture on `profileId`'s machine for programs started by hand. */
  async installCapture(profileId: string): Promise<void> {
    await this.run(async () => {
      this.install = await connection.client.request('snapshots.install', { profileId });
    });
  }

  private async run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.notice = null;
    try {
      await work();
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}

/** Base64 of `bytes`, in slices (String.fromCharCode takes a bounded number of arguments). */
function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The window's view of the kept snapshots. */
export const snapshots = new SnapshotsStore();
