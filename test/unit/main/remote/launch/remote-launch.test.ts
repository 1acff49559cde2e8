import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCommand, missingPart } from '../../../../../src-main/remote/launch/remote-launch.js';

describe('launchCommand', () => {
  let home: string;
  let stub: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'periscope-launch-cmd-'));
    await mkdir(path.join(home, "work dir's"));
    await writeFile(path.join(home, "work dir's", 'my prog.py'), '');
    stub = path.join(home, 'fake python');
    // Stands in for python: prints where it runs, the env flag, and each argument on its own line.
    await writeFile(
      stub,
      '#!/bin/sh\necho "pwd=$PWD"\necho "env=$PYDEVD_DISABLE_FILE_VALIDATION"\necho "bp=$PYTHONBREAKPOINT"\n[ -n "$PERISCOPE_STOP_ON_ENTRY" ] && echo "entry=$PERISCOPE_STOP_ON_ENTRY"\nfor a in "$@"; do echo "arg=$a"; done\n',
    );
    await chmod(stub, 0o755);
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  /** Runs the command as a login shell would (here: bash -c), with HOME set to the temp dir. */
  const run = (command: string): string[] =>
    execFileSync('/bin/bash', ['-c', command], { env: { PATH: '/usr/bin:/bin', HOME: home } })
      .toString('utf8')
      .trimEnd()
      .split('\n');

  it('puts pythonArgs before the program, and asks the hook to stop on entry', () => {
    const lines = run(
      launchCommand(
        {
          python: stub,
          target: { kind: 'module', module: 'app.main' },
          args: ['x'],
          cwd: '',
          pythonArgs: ['-X', 'dev', '-O'],
          stopOnEntry: true,
          tcpNoDelay: false,
        },
        5678,
      ),
    );
    expect(lines).toContain('entry=1');
    expect(lines.filter((l) => l.startsWith('arg=')).map((l) => l.slice(4))).toEqual([
      '-X',
      'dev',
      '-O',
      '-Xfrozen_modules=off',
      '-m',
      'debugpy',
      '--listen',
      '127.0.0.1:5678',
      '--wait-for-client',
      '-m',
      'app.main',
      'x',
    ]);
  });

  it('runs python through sudo: -S when a password is needed, -n when not (launch.json sudo)', () => {
    const bin = path.join(home, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    // A sudo stand-in: reports its options and the password line, then runs the command.
    execFileSync('sh', [
      '-c',
      `printf '%s\n' '#!/bin/sh' 'echo "sudo=$*" | cut -c1-40' 'if [ "$1" = -S ]; then read pw; echo "pw=$pw"; shift 3; else shift 1; fi' 'shift' 'exec "$@"' > '${bin}/sudo' && chmod +x '${bin}/sudo'`,
    ]);
    const withSudo = (password: string | undefined, input: string): string[] =>
      execFileSync(
        '/bin/bash',
        [
          '-c',
          launchCommand(
            {
              python: stub,
              target: { kind: 'module', module: 'app' },
              args: [],
              cwd: '',
              env: [{ name: 'SECRET', value: 'v' }],
              sudo: password === undefined ? {} : { password },
            },
            5678,
          ),
        ],
        { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home }, input },
      )
        .toString('utf8')
        .trimEnd()
        .split('\n');
    const asked = withSudo('hunter2', 'hunter2\n');
    expect(asked[1]).toMatch(/^sudo=-S -p {2}-- env PYTHONPATH=/);
    expect(asked).toContain('pw=hunter2');
    expect(asked).toContain('bp=debugpy.breakpoint');
    expect(asked).toContain('arg=app');
    const free = withSudo(undefined, '');
    expect(free[1]).toMatch(/^sudo=-n -- env PYTHONPATH=/);
    expect(free.some((l) => l.startsWith('pw='))).toBe(false);
    expect(free).toContain('arg=app');
  });

  it('asks the output mux for a terminal of the given size (launch.json console), clamped', () => {
    const options = {
      python: '/usr/bin/python3',
      target: { kind: 'file' as const, path: 'app.py' },
      args: [],
      cwd: '',
    };
    const muxed = launchCommand(
      { ...options, outputToFiles: true, terminal: { cols: 120, rows: 40 } },
      5678,
    );
    expect(muxed).toContain('env PERISCOPE_PTY=120x40 ');
    expect(
      launchCommand({ ...options, outputToFiles: true, terminal: { cols: 0, rows: 1e6 } }, 5678),
    ).toContain('PERISCOPE_PTY=1x9999 ');
    // Pipes: no terminal asked for; and no mux, no terminal (only the mux makes one).
    expect(launchCommand({ ...options, outputToFiles: true }, 5678)).not.toContain(
      'env PERISCOPE_PTY=',
    );
    expect(launchCommand({ ...options, terminal: { cols: 80, rows: 24 } }, 5678)).not.toContain(
      'env PERISCOPE_PTY=',
    );
  });

  it('serves a Pyramid .ini with pserve (launch.json pyramid)', () => {
    const lines = run(
      launchCommand(
        {
          python: stub,
          target: { kind: 'file', path: 'my prog.py' },
          args: ['http_port=1'],
          cwd: "~/work dir's",
          pyramid: true,
          tcpNoDelay: false,
        },
        5678,
      ),
    );
    expect(lines.filter((l) => l.startsWith('arg=')).slice(-5)).toEqual([
      'arg=--wait-for-client',
      'arg=-m',
      'arg=pyramid.scripts.pserve',
      'arg=my prog.py',
      'arg=http_port=1',
    ]);
  });

  it('prints the pid marker, then runs python with debugpy and every part quoted, in ~/cwd', () => {
    const lines = run(
      launchCommand(
        {
          python: stub,
          target: { kind: 'file', path: 'my prog.py' },
          args: ['$HOME', "it's", ''],
          cwd: "~/work dir's",
        },
        5678,
      ),
    );
    expect(lines[0]).toMatch(/^__periscope_pid__ \d+$/);
    expect(lines.slice(1)).toEqual([
      `pwd=${home}/work dir's`,
      'env=1',
      'bp=debugpy.breakpoint',
      'arg=-Xfrozen_modules=off',
      'arg=-m',
      'arg=debugpy',
      'arg=--listen',
      'arg=127.0.0.1:5678',
      'arg=--wait-for-client',
      'arg=my prog.py',
      'arg=$HOME',
      "arg=it's",
      'arg=',
    ]);
  });

  it('names a missing program file or directory before debugpy starts', () => {
    const fails = (command: string): string => {
      try {
        execFileSync('/bin/bash', ['-c', command], {
          env: { PATH: '/usr/bin:/bin', HOME: home },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        return 'ran';
      } catch (error) {
        const e = error as { status: number; stdout: Buffer; stderr: Buffer };
        expect(e.stdout.toString()).not.toContain('__periscope_pid__');
        return `${e.status} ${e.stderr.toString().trim()}`;
      }
    };
    const options = {
      python: stub,
      target: { kind: 'file' as const, path: 'nope.py' },
      args: [],
      cwd: "~/work dir's",
    };
    const noFile = fails(launchCommand(options, 5678));
    expect(noFile).toBe(`97 __periscope_no_program__ ${home}/work dir's`);
    expect(missingPart(options, 'box', noFile.slice(3))).toBe(
      `The program file "nope.py" does not exist on box (looked in ${home}/work dir's); check the path, or the profile's working directory`,
    );
    const noDir = fails(launchCommand({ ...options, cwd: '~/gone' }, 5678));
    expect(noDir).toBe('97 __periscope_no_directory__');
    expect(missingPart({ ...options, cwd: '~/gone' }, 'box', noDir)).toBe(
      'The working directory "~/gone" does not exist on box',
    );
  });

  it('omits cd for an empty cwd and uses -m for modules', () => {
    const lines = run(
      launchCommand(
        { python: stub, target: { kind: 'module', module: 'pkg.main' }, args: [], cwd: '' },
        1,
      ),
    );
    expect(lines.slice(-2)).toEqual(['arg=-m', 'arg=pkg.main']);
    expect(lines[1]).toBe(`pwd=${process.cwd()}`);
  });
});
