/**
 * What "Attach to process" attaches to for the pid in the form (issue 14): the machine's pid as
 * the process list shows it — or, for a process the list shows inside a container, that
 * container (the profile's saved target of that name, else a new one) and the process's pid
 * there. A process in a container is never attached from the machine (the attach helper would
 * refuse it anyway: `inject_debugpy.py`'s `container_boundary`).
 */
import type { ProcessContainer, RemoteProcessInfo } from '../../src-common/protocol/connections.js';
import type { ContainerTarget } from '../../src-common/protocol/containers.js';
import type { Profile } from '../../src-common/protocol/profile.js';

/** The pid to attach to, and where: on the machine (no `container`) or inside `container`. */
export interface PidAttach {
  /** The pid in the place it is attached in (inside `container`, the container's pid). */
  pid: number;
  container?: ContainerTarget;
}

/** How the UI names a process's container: its name, else its short id. */
export function containerLabel(container: ProcessContainer): string {
  return container.name || container.id.slice(0, 12);
}

/**
 * Where to attach for machine pid `pid`, given the process list (null: not listed).
 * @returns a sentence saying why not, instead, when the list shows the process in a container
 *   but the kernel did not say its pid there.
 */
export function pidAttach(
  profile: Profile,
  pid: number,
  processes: readonly RemoteProcessInfo[] | null,
): PidAttach | string {
  const container = processes?.find((p) => p.pid === pid)?.container;
  if (!container) return { pid };
  const name = containerLabel(container);
  if (container.pid === undefined)
    return `Process ${pid} runs in container ${name}, and this kernel does not say its pid there (no NSpid in /proc/${pid}/status): attach to it with its pid inside the container through the app API.`;
  return { pid: container.pid, container: containerTargetFor(profile, container) };
}

/** The profile's saved target for `container` (by name), else a new one of its engine. */
export function containerTargetFor(profile: Profile, container: ProcessContainer): ContainerTarget {
  const name = containerLabel(container);
  const saved = profile.containers.find((c) => c.name === name && c.kind === container.kind);
  return saved ?? { kind: container.kind, name, python: '', pathMappings: [] };
}
