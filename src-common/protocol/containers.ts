/**
 * Client protocol types of containers on a profile's machine (issue 14): the containers a
 * profile's machine runs (`containers.list`), a container saved as a target of the profile, what
 * `docker inspect` says about its mounts and working directory (`containers.inspect`), and the
 * container's preflight.
 *
 * A target is one kind of place inside the remote machine where Periscope runs commands: today
 * a container of Docker or Podman (same CLI, `docker exec -i` / `podman exec -i`). A Kubernetes
 * pod would be one more member of `ContainerTarget` (`profile.ts`) (`{ kind: 'kubernetes'; namespace; pod;
 * container }`, run with `kubectl exec -i`), not a new code path.
 *
 * Type-only, like `client-protocol.ts`, which names the methods that carry these.
 */
import type { ContainerEngine, PathMapping } from './profile.js';

// The target itself is a profile field, so it is defined with the profile.
export type { ContainerEngine, ContainerTarget } from './profile.js';

/** One running (or stopped) container, as `docker ps --format '{{json .}}'` (or Podman's) lists it. */
export interface ContainerInfo {
  /** The engine that runs it (whose CLI lists, inspects and runs commands in it). */
  kind: ContainerEngine;
  /** Short id (12 hex digits). */
  id: string;
  /** Its name (the first of `Names`). */
  name: string;
  image: string;
  /** Docker's state word: `running`, `exited`, `paused`, `restarting`, `created`, `dead`. */
  state: string;
  /** Docker's status sentence, e.g. `Up 3 minutes`. */
  status: string;
}

/** One mount of a container, from `docker inspect`'s `Mounts`. */
export interface ContainerMount {
  /** `bind`, `volume` or `tmpfs`. */
  type: string;
  /** Path on the remote machine (for a volume: its data directory there). */
  source: string;
  /** Path inside the container. */
  destination: string;
  /** Writable from inside. */
  rw: boolean;
}

/** Answer of `containers.inspect`. */
export interface ContainerDetails {
  /** The container's id (full) and name as Docker reports them now. */
  id: string;
  name: string;
  running: boolean;
  /** `Config.WorkingDir`; empty = `/`. */
  workingDir: string;
  mounts: ContainerMount[];
  /**
   * Suggested mappings, one per bind mount (deepest first): the remote machine's path of the
   * mount — or the laptop's, when a profile mapping covers it — to the path inside.
   */
  suggestedMappings: PathMapping[];
}
