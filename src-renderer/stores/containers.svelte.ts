/**
 * The launch dialog's containers (issue 14): the containers of the profile's machine, Docker's
 * and Podman's (`containers.list` asks both), the one picked, and the path mappings its bind
 * mounts suggest (`containers.inspect`), which a launch into it uses. A container launched into
 * is saved as a target of the profile (by engine and name), so the next dialog offers it first.
 */
import type {
  ContainerDetails,
  ContainerEngine,
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
  /** An installed engine that failed while the other listed (sentences). */
  problems = $state.raw<string[]>([]);
  /** The picked container's details (null: none picked, or not inspected yet). */
  details = $state.raw<ContainerDetails | null>(null);
  /** The container picked from the list (its engine and name). */
  picked = $state.raw<{ kind: ContainerEngine; name: string } | null>(null);
  private profileId = '';

  /** Forgets what was listed (a dialog opened for `profile`). */
  reset(profile: Profile): void {
    this.profileId = profile.id;
    this.containers = null;
    this.details = null;
    this.picked = null;
    this.error = null;
    this.problems = [];
  }

  /** Lists the machine's containers, Docker's and Podman's. */
  async list(profile: Profile): Promise<void> {
    if (this.listing) return;
    this.listing = true;
    this.error = null;
    try {
      const { containers, problems } = await connection.client.request('containers.list', {
        profileId: profile.id,
      });
      if (this.profileId === profile.id) {
        this.containers = containers;
        this.problems = problems;
      }
    } catch (err) {
      this.error = errorMessage(err);
      this.containers = [];
    } finally {
      this.listing = false;
    }
  }

  /**
   * The engine of container `name`: the one picked from the list, else a saved target's, else
   * the listed container's of that name, else Docker.
   */
  kindOf(profile: Profile, name: string): ContainerEngine {
    if (this.picked?.name === name) return this.picked.kind;
    return (
      profile.containers.find((c) => c.name === name)?.kind ??
      this.containers?.find((c) => c.name === name)?.kind ??
      'docker'
    );
  }

  /** Picks container `name` of engine `kind` and inspects it for its suggested path mappings. */
  async pick(profile: Profile, name: string, kind = this.kindOf(profile, name)): Promise<void> {
    this.details = null;
    this.picked = { kind, name };
    try {
      const details = await connection.client.request('containers.inspect', {
        profileId: profile.id,
        kind,
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
    const kind = this.kindOf(profile, name);
    const saved = profile.containers.find((c) => c.name === name && c.kind === kind);
    const suggested = this.details?.name === name ? this.details.suggestedMappings : [];
    const copy = copyDebugpy ?? saved?.copyDebugpy ?? false;
    return {
      kind,
      name,
      python: saved?.python ?? '',
      pathMappings: saved?.pathMappings.length ? saved.pathMappings : suggested,
      ...(copy && { copyDebugpy: true }),
    };
  }

  /** Saves `target` into the profile's containers (replacing one of the same engine and name). */
  async remember(profile: Profile, target: ContainerTarget): Promise<void> {
    const others = profile.containers.filter(
      (c) => c.name !== target.name || c.kind !== target.kind,
    );
    await profiles.save({ ...profile, containers: [target, ...others] });
  }
}

/** The window's container picker. */
export const containerPicker = new ContainerPickerStore();
