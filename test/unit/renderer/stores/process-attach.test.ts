/** Where "Attach to process" attaches for a picked pid (`process-attach.ts`). */
import { describe, expect, it } from 'vitest';
import type { RemoteProcessInfo } from '../../../../src-common/protocol/connections.js';
import type { ContainerTarget, Profile } from '../../../../src-common/protocol/profile.js';
import { containerLabel, pidAttach } from '../../../../src-renderer/stores/process-attach.js';

const ID = '8b9603caf8d6fccc6d03ee8d193a142596763c3863e7c85c25488fce99e23460';
const saved: ContainerTarget = {
  kind: 'docker',
  name: 'web',
  python: '/usr/local/bin/python3',
  pathMappings: [{ localRoot: '/home/me/app', remoteRoot: '/app' }],
};
const profile = { id: 'p1', containers: [saved] } as unknown as Profile;
const processes: RemoteProcessInfo[] = [
  { pid: 4678, command: 'python3 /app/web.py', started: '' },
  {
    pid: 4700,
    command: 'python3 /app/web.py',
    started: '',
    container: { kind: 'docker', id: ID, name: 'web', pid: 1 },
  },
  {
    pid: 4800,
    command: 'python3 w.py',
    started: '',
    container: { kind: 'podman', id: ID, name: '', pid: 12 },
  },
  {
    pid: 4900,
    command: 'python3 w.py',
    started: '',
    container: { kind: 'docker', id: ID, name: 'old-kernel' },
  },
];

describe('pidAttach', () => {
  it('attaches on the machine to a process of the machine, or one not in the list', () => {
    expect(pidAttach(profile, 4678, processes)).toEqual({ pid: 4678 });
    expect(pidAttach(profile, 31337, processes)).toEqual({ pid: 31337 });
    expect(pidAttach(profile, 4700, null)).toEqual({ pid: 4700 });
  });

  it('attaches inside the container, by the pid there, with the saved target', () => {
    expect(pidAttach(profile, 4700, processes)).toEqual({ pid: 1, container: saved });
  });

  it('makes a target of the engine, named by the short id without a name', () => {
    expect(pidAttach(profile, 4800, processes)).toEqual({
      pid: 12,
      container: { kind: 'podman', name: ID.slice(0, 12), python: '', pathMappings: [] },
    });
  });

  it('refuses with a sentence when the pid there is not known', () => {
    expect(pidAttach(profile, 4900, processes)).toMatch(
      /^Process 4900 runs in container old-kernel, and this kernel does not say its pid there/,
    );
  });

  it('labels a container by its name, else its short id', () => {
    expect(containerLabel(processes[1]!.container!)).toBe('web');
    expect(containerLabel(processes[2]!.container!)).toBe('8b9603caf8d6');
  });
});
