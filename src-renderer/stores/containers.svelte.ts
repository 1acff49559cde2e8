/**
 * The launch dialog's containers (issue 14): the containers of the profile's machine
 * (`containers.list`), the one picked, and the path mappings its bind mounts suggest
 * (`containers.inspect`), which a launch into it uses. A container launched into is saved as a
 * target of the profile (by name), so the next dialog offers it first.
 */
import type {
  ContainerDetails,
  ContainerInfo,
  ContainerTarget,
} from '../../src-common/protocol/containers.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import { connection } from '../backend/connection.svelte.js';
import { errorMessage } from '../../src-common/errors.js';
import { profiles } from './profiles.svelte.js';

/** See the module comment. */
class ContainerPickerStore {
  /** The machine's containers (null: not listed yet). */
  containers = $state.raw<ContainerInfo[] | null>(null);
  listing = $state(false);
  /** Why the list could not be made (no CLI, no permission on the socket…). */
  error = $state<string | null>(null);
  /** The picked container's details (null: none picked, or not inspected yet). */
  details = $state.raw<ContainerDetails | null>(null);
  private profileId = '';

  /** Forgets what was listed (a dialog opened for `profile`). */
  reset(profile: Profile): void {
    this.profileId = profile.id;
    this.containers = null;
    this.details = null;
    this.error = null;
  }

  /** Lists the machine's Docker containers. */
  async list(profile: Profile): Promise<void> {
    if (this.listing) return;
    this.listing = true;
    this.error = null;
    try {
      const { containers } = await connection.client.request('containers.list', {
        profileId: profile.id,
        kind: 'docker',
      });
      if (this.profileId === profile.id) this.containers = containers;
    } catch (err) {
      this.error = errorMessage(err);
      this.containers = [];
    } finally {
      this.listing = false;
    }
  }

  /** Inspects container `name` for its suggested path mappings. */
  async pick(profile: Profile, name: string): Promise<void> {
    this.details = null;
    try {
      const details = await connection.client.request('containers.inspect', {
        profileId: profile.id,
        kind: 'docker',
        name,
      });
      if (this.profileId === profile.id) this.details = details;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /**
   * The launch target for container `name`: the profile's saved target of that name, with the
   * inspected suggestions when it has no mappings of its own; `copyDebugpy` as the form says
   * (absent: as saved).
   */
  target(profile: Profile, name: string, copyDebugpy?: boolean): ContainerTarget {
    const saved = profile.containers.find((c) => c.name === name);
    const suggested = this.details?.name === name ? this.details.suggestedMappings : [];
    const copy = copyDebugpy ?? saved?.copyDebugpy ?? false;
    return {
      kind: saved?.kind ?? 'docker',
      name,
      python: saved?.python ?? '',
      pathMappings: saved?.pathMappings.length ? saved.pathMappings : suggested,
      ...(copy && { copyDebugpy: true }),
    };
  }

  /** Saves `target` into the profile's containers (replacing one of the same name). */
  async remember(profile: Profile, target: ContainerTarget): Promise<void> {
    const others = profile.containers.filter((c) => c.name !== target.name);
    await profiles.save({ ...profile, containers: [target, ...others] });
  }
}

/** The window's container picker. */
export const containerPicker = new ContainerPickerStore();
