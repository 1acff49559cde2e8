/**
 * Which container a process of the machine runs in: cgroup paths of Docker (cgroupfs and
 * systemd drivers, cgroup v1 and v2, as measured here: `0::/docker/<id>` on every line) and
 * Podman (its conmon excluded), the pid inside from `NSpid`, and the names from `docker ps`.
 */
import { describe, expect, it } from 'vitest';
import {
  containerOfCgroup,
  locateContainers,
  namesCommand,
  parseNames,
  parseProbe,
  pidInsideOf,
  probeCommand,
} from '../../../../../src-main/remote/probes/process-containers.js';
import { listPythonProcesses } from '../../../../../src-main/remote/probes/processes.js';
import type { SshConnection } from '../../../../../src-main/ssh/connection/ssh-connection.js';

const ID = '8b9603caf8d6fccc6d03ee8d193a142596763c3863e7c85c25488fce99e23460';
const ID2 = 'aa11bb22cc33dd44ee55ff6677889900aa11bb22cc33dd44ee55ff6677889900';

describe('containerOfCgroup', () => {
  it('reads Docker with cgroupfs on cgroup v1 (every line names it)', () => {
    const text = [
      `9:name=systemd:/docker/${ID}`,
      `8:pids:/docker/${ID}`,
      `4:memory:/docker/${ID}`,
      `0::/docker/${ID}`,
      '',
    ].join('\n');
    expect(containerOfCgroup(text)).toEqual({ kind: 'docker', id: ID });
  });

  it('reads Docker with the systemd driver on cgroup v2', () => {
    expect(containerOfCgroup(`0::/system.slice/docker-${ID}.scope\n`)).toEqual({
      kind: 'docker',
      id: ID,
    });
  });

  it('reads Podman, rootful and rootless, with its nested "container" group', () => {
    expect(containerOfCgroup(`0::/machine.slice/libpod-${ID}.scope/container\n`)).toEqual({
      kind: 'podman',
      id: ID,
    });
    expect(
      containerOfCgroup(
        `0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope\n`,
      ),
    ).toEqual({ kind: 'podman', id: ID });
  });

  it('reads rootful Podman with the cgroupfs manager on cgroup v1, as Podman 4.3 made it here', () => {
    const lines = ['pids', 'memory', 'cpu', ''].map(
      (controller, i) => `${9 - i}:${controller}:/libpod_parent/libpod-${ID}`,
    );
    expect(containerOfCgroup(`${lines.join('\n')}\n`)).toEqual({ kind: 'podman', id: ID });
  });

  it('names the innermost container of a nested path', () => {
    expect(containerOfCgroup(`0::/docker/${ID}/docker/${ID2}\n`)).toEqual({
      kind: 'docker',
      id: ID2,
    });
  });

  it('is undefined for processes of the machine, conmon, and look-alikes', () => {
    expect(containerOfCgroup('0::/\n')).toBeUndefined();
    expect(containerOfCgroup('0::/user.slice/user-0.slice/session-3.scope\n')).toBeUndefined();
    expect(containerOfCgroup('4:memory:/process_api/bf5967d684bd4c1f12b8143d2a9f563f\n')).toBe(
      undefined,
    );
    expect(containerOfCgroup(`0::/machine.slice/libpod-conmon-${ID}.scope\n`)).toBeUndefined();
    // Not a 64-digit id, or the id runs on into other characters.
    expect(containerOfCgroup('0::/docker/3f2a1b0c9d8e\n')).toBeUndefined();
    expect(containerOfCgroup(`0::/docker/${ID}x\n`)).toBeUndefined();
    expect(containerOfCgroup('')).toBeUndefined();
  });
});

describe('pidInsideOf', () => {
  it('takes the last NSpid field (the innermost namespace)', () => {
    expect(pidInsideOf('Name:\tpython3\nNSpid:\t4678\t1\nNSpgid:\t4678\t1\n')).toBe(1);
    expect(pidInsideOf('NSpid:\t900\t40\t7\n')).toBe(7);
    expect(pidInsideOf('NSpid:\t4464\n')).toBe(4464);
  });

  it('is undefined without an NSpid line (kernels before 4.1)', () => {
    expect(pidInsideOf('Name:\tpython3\nPid:\t4678\n')).toBeUndefined();
    expect(pidInsideOf('NSpid:\n')).toBeUndefined();
  });
});

describe('the probe', () => {
  it('asks only for numeric pids', () => {
    const command = probeCommand([12, 0, -3, 1.5, 40]);
    expect(command).toContain('for p in 12 40;');
  });

  it('parses each pid, skipping processes of the machine and vanished ones', () => {
    const stdout = [
      '@pid 4678',
      `0::/docker/${ID}`,
      'NSpid:\t4678\t1',
      '@pid 4464',
      '0::/',
      'NSpid:\t4464',
      '@pid 5000',
      '@pid 5100',
      `0::/machine.slice/libpod-${ID2}.scope/container`,
      '',
    ].join('\n');
    const found = parseProbe(stdout);
    expect([...found.keys()]).toEqual([4678, 5100]);
    expect(found.get(4678)).toEqual({ container: { kind: 'docker', id: ID }, pid: 1 });
    // No NSpid line: no pid inside.
    expect(found.get(5100)).toEqual({ container: { kind: 'podman', id: ID2 } });
  });

  it('lists names only with the engines found, and reads the first name', () => {
    expect(namesCommand(new Set(['docker']))).toMatch(/^command -v docker .*docker ps --no-trunc/);
    expect(namesCommand(new Set(['docker']))).not.toContain('podman');
    const names = parseNames(`docker ${ID} web,alias\npodman ${ID2} api\n\nnoise\n`);
    expect(names.get(`docker ${ID}`)).toBe('web');
    expect(names.get(`podman ${ID2}`)).toBe('api');
    expect(names.size).toBe(2);
  });
});

/** A connection whose `run` answers by the command's first word, recording each command. */
function fakeConnection(answer: (command: string) => string): {
  connection: SshConnection;
  commands: string[];
} {
  const commands: string[] = [];
  const connection = {
    run: (command: string) => {
      commands.push(command);
      return Promise.resolve({ code: 0, stdout: answer(command), stderr: '' });
    },
  } as unknown as SshConnection;
  return { connection, commands };
}

describe('the machine process list', () => {
  const PS = [
    ' 4678 Thu Dec  3 12:57:01 2026 /usr/bin/python3 /app/work.py',
    ' 4464 Thu Dec  3 12:50:00 2026 /usr/bin/python3 /srv/own.py',
    ' 4470 Thu Dec  3 12:50:00 2026 /bin/bash',
  ].join('\n');

  it('marks the process in a container with its name and pid there', async () => {
    const { connection, commands } = fakeConnection((command) => {
      if (command.includes(' ps -u ')) return PS;
      if (command.startsWith('for p in')) return `@pid 4678\n0::/docker/${ID}\nNSpid:\t4678\t1\n`;
      return `docker ${ID} worker\n`;
    });
    const processes = await listPythonProcesses(connection);
    expect(processes).toEqual([
      expect.objectContaining({
        pid: 4678,
        container: { kind: 'docker', id: ID, name: 'worker', pid: 1 },
      }),
      expect.objectContaining({ pid: 4464 }),
    ]);
    expect(processes[1]).not.toHaveProperty('container');
    expect(commands[1]).toBe(probeCommand([4678, 4464]));
  });

  it('does not ask the engine when no process is in a container', async () => {
    const { connection, commands } = fakeConnection((command) =>
      command.includes(' ps -u ') ? PS : '@pid 4678\n0::/\n@pid 4464\n0::/\n',
    );
    const processes = await listPythonProcesses(connection);
    expect(processes.map((p) => p.container)).toEqual([undefined, undefined]);
    expect(commands).toHaveLength(2);
  });

  it('keeps a container without a name where the CLI does not list it', async () => {
    const { connection } = fakeConnection((command) =>
      command.includes(' ps -u ')
        ? PS
        : command.startsWith('for p in')
          ? `@pid 4464\n0::/system.slice/docker-${ID2}.scope\nNSpid:\t4464\t9\n`
          : '',
    );
    const located = await locateContainers(connection, [4464]);
    expect(located.get(4464)).toEqual({ kind: 'docker', id: ID2, name: '', pid: 9 });
  });

  it('inside a container, lists without looking for containers', async () => {
    const { connection, commands } = fakeConnection(() => PS);
    const processes = await listPythonProcesses(connection, (c) => `docker exec -i w sh -c '${c}'`);
    expect(processes).toHaveLength(2);
    expect(commands).toHaveLength(1);
  });
});
