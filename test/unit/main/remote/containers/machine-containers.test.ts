/**
 * The machine's container list asks both engines (`listMachineContainers`): each container
 * tagged with its engine, an installed engine that fails named beside the other's list, a
 * missing CLI not named unless neither is there. The engines' outputs are the ones measured
 * (Docker 20.10 lines, Podman 4.3's array, their stderr); the SSH connection is a stand-in.
 */
import { describe, expect, it } from 'vitest';
import { listMachineContainers } from '../../../../../src-main/remote/containers/container-list.js';
import type { SshConnection } from '../../../../../src-main/ssh/connection/ssh-connection.js';

type Answer = { code: number; stdout?: string; stderr?: string };

function machine(docker: Answer, podman: Answer): SshConnection {
  return {
    target: { host: 'web-1', user: 'deploy', port: 22 },
    run: (command: string) => {
      const answer = command.startsWith('docker ') ? docker : podman;
      return Promise.resolve({ stdout: '', stderr: '', signal: null, ...answer });
    },
  } as unknown as SshConnection;
}

const NOT_FOUND: Answer = { code: 127, stderr: 'sh: 1: docker: not found' };
const dockerLine = JSON.stringify({
  ID: 'a'.repeat(64),
  Names: 'web',
  Image: 'py',
  State: 'running',
});
const podmanArray = JSON.stringify(
  [{ Id: 'b'.repeat(64), Names: ['web'], Image: 'localhost/py', State: 'running' }],
  null,
  2,
);

describe('listMachineContainers', () => {
  it('lists both engines, the same name once per engine', async () => {
    const { containers, problems } = await listMachineContainers(
      machine({ code: 0, stdout: `${dockerLine}\n` }, { code: 0, stdout: podmanArray }),
    );
    expect(containers.map((c) => [c.kind, c.name, c.image])).toEqual([
      ['docker', 'web', 'py'],
      ['podman', 'web', 'localhost/py'],
    ]);
    expect(problems).toEqual([]);
  });

  it('names an installed engine that failed beside the other list, not a missing one', async () => {
    const denied: Answer = {
      code: 1,
      stderr:
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: connect: permission denied',
    };
    const listed = await listMachineContainers(machine(denied, { code: 0, stdout: podmanArray }));
    expect(listed.containers.map((c) => c.kind)).toEqual(['podman']);
    expect(listed.problems).toEqual([
      expect.stringContaining("deploy may not use the docker daemon's socket /var/run/docker.sock"),
    ]);
    const alone = await listMachineContainers(machine(NOT_FOUND, { code: 0, stdout: podmanArray }));
    expect(alone.problems).toEqual([]);
  });

  it('fails with what is missing when neither engine lists', async () => {
    await expect(listMachineContainers(machine(NOT_FOUND, NOT_FOUND))).rejects.toThrow(
      "neither the docker nor the podman command was found on web-1 (not on deploy's PATH)",
    );
    await expect(
      listMachineContainers(
        machine(NOT_FOUND, { code: 125, stderr: 'Error: cannot open the store' }),
      ),
    ).rejects.toThrow('podman failed on web-1 (exit code 125): Error: cannot open the store');
  });
});
