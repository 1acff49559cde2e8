/**
 * The parts of the container support that read the engine's output: `docker ps --format
 * '{{json .}}'` lines (Docker's and Podman's), `docker inspect` JSON and the path mappings its
 * bind mounts suggest, and the CLI's error texts named as problems with their fix.
 */
import { describe, expect, it } from 'vitest';
import { parseContainerList } from '../../../../../src-main/remote/containers/container-list.js';
import {
  parseInspect,
  suggestMappings,
} from '../../../../../src-main/remote/containers/container-inspect.js';
import { engineProblem } from '../../../../../src-main/remote/containers/engine-errors.js';
import { containerPlace } from '../../../../../src-main/remote/containers/container-place.js';

const where = { user: 'deploy', host: 'web-1', container: 'api' };

describe('parseContainerList', () => {
  it('reads Docker lines and Podman lines, running first, then by name; skips noise', () => {
    const docker = JSON.stringify({
      ID: '3f2a1b0c9d8e7f6a5b4c',
      Names: 'zeta,alias',
      Image: 'python:3.12',
      State: 'running',
      Status: 'Up 3 minutes',
    });
    const podman = JSON.stringify({
      Id: 'aa11bb22cc33dd44',
      Names: ['alpha'],
      Image: 'localhost/app:1',
      State: 'Exited',
      Status: 'Exited (0) 2 hours ago',
    });
    const also = JSON.stringify({ ID: 'bbbbbbbbbbbbbbbb', Names: 'beta', State: 'running' });
    expect(
      parseContainerList(`${podman}\nWARNING: noise\n{broken\n${docker}\n${also}\n`, 'docker'),
    ).toEqual([
      { kind: 'docker', id: 'bbbbbbbbbbbb', name: 'beta', image: '', state: 'running', status: '' },
      {
        kind: 'docker',
        id: '3f2a1b0c9d8e',
        name: 'zeta',
        image: 'python:3.12',
        state: 'running',
        status: 'Up 3 minutes',
      },
      {
        kind: 'docker',
        id: 'aa11bb22cc33',
        name: 'alpha',
        image: 'localhost/app:1',
        state: 'exited',
        status: 'Exited (0) 2 hours ago',
      },
    ]);
  });
});

describe('parseContainerList of Podman 4.3', () => {
  it('reads the one JSON array it prints for {{json .}}, each container tagged podman', () => {
    // As `podman ps --all --no-trunc --format '{{json .}}'` printed it here (podman 4.3.1).
    const out = JSON.stringify(
      [
        {
          Id: 'e8c731a1df337194480f1c64514afd55476cace91fe30642970c12895502f928',
          Image: 'localhost/periscope-test:1',
          Names: ['api'],
          State: 'running',
          Status: 'Up 10 seconds ago',
        },
        { Id: '0b95cb9f7574c931a24a99f9', Image: 'x', Names: ['old'], State: 'exited', Status: '' },
      ],
      null,
      2,
    );
    expect(parseContainerList(`${out}\n`, 'podman')).toEqual([
      {
        kind: 'podman',
        id: 'e8c731a1df33',
        name: 'api',
        image: 'localhost/periscope-test:1',
        state: 'running',
        status: 'Up 10 seconds ago',
      },
      { kind: 'podman', id: '0b95cb9f7574', name: 'old', image: 'x', state: 'exited', status: '' },
    ]);
  });
});

describe('parseInspect and suggestMappings', () => {
  const inspect = JSON.stringify([
    {
      Id: 'f'.repeat(64),
      Name: '/api',
      State: { Running: true },
      Config: { WorkingDir: '/srv/app' },
      Mounts: [
        { Type: 'bind', Source: '/home/deploy/app', Destination: '/srv/app', RW: true },
        {
          Type: 'bind',
          Source: '/home/deploy/app/lib',
          Destination: '/srv/app/vendor/lib',
          RW: false,
        },
        { Type: 'bind', Source: '/usr', Destination: '/usr', RW: false },
        {
          Type: 'volume',
          Source: '/var/lib/docker/volumes/data/_data',
          Destination: '/data',
          RW: true,
        },
      ],
    },
  ]);

  it('gives the state, working directory, mounts, and one mapping per project bind, deepest first', () => {
    const details = parseInspect(inspect);
    expect(details).toMatchObject({ name: 'api', running: true, workingDir: '/srv/app' });
    expect(details?.mounts).toHaveLength(4);
    expect(details?.suggestedMappings).toEqual([
      { localRoot: '/home/deploy/app/lib', remoteRoot: '/srv/app/vendor/lib' },
      { localRoot: '/home/deploy/app', remoteRoot: '/srv/app' },
    ]);
  });

  it('names the source by its laptop path where a profile mapping covers it', () => {
    const mounts = parseInspect(inspect)?.mounts ?? [];
    expect(
      suggestMappings(mounts, [{ localRoot: '/Users/me/app', remoteRoot: '/home/deploy/app' }]),
    ).toEqual([
      { localRoot: '/Users/me/app/lib', remoteRoot: '/srv/app/vendor/lib' },
      { localRoot: '/Users/me/app', remoteRoot: '/srv/app' },
    ]);
  });

  it('is undefined for output that is not a container', () => {
    expect(parseInspect('[]')).toBeUndefined();
    expect(parseInspect('not json')).toBeUndefined();
  });
});

describe('engineProblem', () => {
  it('is undefined for a success', () => {
    expect(engineProblem('docker', { code: 0, stderr: '' }, where)).toBeUndefined();
  });

  it('names each of the CLI failures, with its fix', () => {
    expect(
      engineProblem('docker', { code: 127, stderr: 'sh: 1: docker: not found' }, where),
    ).toMatchObject({
      kind: 'no-cli',
      message: "the docker command was not found on web-1 (not on deploy's PATH)",
    });
    const denied = engineProblem(
      'docker',
      {
        code: 1,
        stderr:
          'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: connect: permission denied',
      },
      where,
    );
    expect(denied).toMatchObject({
      kind: 'socket-permission',
      message:
        "deploy may not use the docker daemon's socket /var/run/docker.sock on web-1 (permission denied)",
    });
    expect(denied?.fix).toContain('sudo usermod -aG docker deploy');
    expect(
      engineProblem(
        'docker',
        {
          code: 1,
          stderr:
            'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
        },
        where,
      )?.kind,
    ).toBe('daemon-down');
    expect(
      engineProblem('docker', { code: 1, stderr: 'Error: No such container: api' }, where)?.kind,
    ).toBe('no-container');
    expect(
      engineProblem(
        'docker',
        { code: 1, stderr: 'Error response from daemon: Container 3f2a is not running' },
        where,
      ),
    ).toMatchObject({ kind: 'not-running', fix: 'Start it: `docker start api`.' });
    expect(
      engineProblem('podman', { code: 125, stderr: 'Error: something else' }, where),
    ).toMatchObject({
      kind: 'other',
      message: 'podman failed on web-1 (exit code 125): Error: something else',
    });
  });
});

describe('containerPlace', () => {
  it("runs every command as the container's root for the profile's sudo", () => {
    const place = containerPlace(
      { kind: 'docker', name: 'api', python: '', pathMappings: [] },
      'python3',
      true,
    );
    expect(place.wrap('id -u')).toBe(`exec docker exec -i -u 0 api sh -c 'id -u'`);
  });

  it('wraps a command line into `<engine> exec -i NAME sh -c …`, with the target Python or the profile one', () => {
    const place = containerPlace(
      { kind: 'podman', name: 'api', python: '', pathMappings: [] },
      'python3',
    );
    expect(place.python).toBe('python3');
    expect(place.wrap("echo 'hi' && id")).toBe(
      `exec podman exec -i api sh -c 'echo '\\''hi'\\'' && id'`,
    );
    expect(
      containerPlace(
        { kind: 'docker', name: 'api', python: '/venv/bin/python', pathMappings: [] },
        'python3',
      ).python,
    ).toBe('/venv/bin/python');
  });
});
