/**
 * `launchCommand` with `outputToFiles` (launch over a reconnecting link): the shell announces its
 * pid and the output directory, then `exec`s the output mux (real /usr/bin/python3), which runs the
 * debugpy command line (a stub here) and writes its stdout/stderr as framed records to one file.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PID_MARKER } from '../../../../../src-main/remote/launch/launch-output.js';
import { OutputDeframer } from '../../../../../src-main/remote/launch/output-frames.js';
import { muxStdin } from '../../../../../src-main/remote/launch/output-mux.js';
import {
  MUX_OUTPUT_FILE,
  launchCommand,
} from '../../../../../src-main/remote/launch/remote-launch.js';

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
}

/** Runs the command as a login shell would (bash -c) with HOME set to `home`, `stdin` on its stdin. */
function run(command: string, home: string, stdin = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      '/bin/bash',
      ['-c', command],
      { env: { PATH: '/usr/bin:/bin', HOME: home, PYTHONPATH: '/user/path' } },
      (error, stdout, stderr) =>
        resolve({
          stdout,
          stderr,
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          signal: error?.signal ?? null,
        }),
    );
    child.stdin?.end(stdin);
  });
}

/** The records of a mux output file, as [category, text] in file order. */
function records(bytes: Buffer): [string, string][] {
  const out: [string, string][] = [];
  const errors: string[] = [];
  const deframer = new OutputDeframer({
    onData: (category, chunk) => out.push([category, chunk.toString('utf8')]),
    onError: (message) => errors.push(message),
  });
  deframer.push(bytes);
  deframer.end();
  expect(errors).toEqual([]);
  return out;
}

describe('launchCommand with output to files (the output mux)', () => {
  let home: string;
  let stub: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'periscope-launch-mux-'));
    stub = path.join(home, 'fake python');
    // The mux (`-I -S -c …`) runs on the real interpreter, noting its PYTHONPATH; anything else
    // stands in for `python -m debugpy …`: argv and PYTHONPATH to stdout, one line to stderr.
    await writeFile(
      stub,
      [
        '#!/bin/sh',
        `if [ "$1" = -I ]; then echo "$PYTHONPATH" > "${home}/mux-pythonpath"; exec /usr/bin/python3 "$@"; fi`,
        'echo "pwd=$PWD"',
        'echo "pythonpath=$PYTHONPATH"',
        'for a in "$@"; do echo "arg=$a"; done',
        'echo "to stderr" >&2',
        'exit "${EXIT_WITH:-0}"',
        '',
      ].join('\n'),
    );
    await chmod(stub, 0o755);
    await writeFile(path.join(home, 'my prog.py'), '');
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  /** Runs the command; returns the shell's stdout lines, the output directory and its records. */
  async function launch(
    tcpNoDelay: boolean,
    exitWith = 0,
  ): Promise<{ run: Run; dir: string; records: [string, string][] }> {
    const command = launchCommand(
      {
        python: stub,
        target: { kind: 'file', path: 'my prog.py' },
        args: ['two words'],
        cwd: '~',
        tcpNoDelay,
        env: [{ name: 'EXIT_WITH', value: String(exitWith) }],
        outputToFiles: true,
      },
      5678,
    );
    const result = await run(
      command,
      home,
      muxStdin([{ name: 'EXIT_WITH', value: String(exitWith) }]),
    );
    // The program's environment is not in the command line (remote `ps` shows argv to all).
    expect(command).not.toContain('EXIT_WITH');
    const marker = new RegExp(`^${PID_MARKER} (\\d+) (/\\S+)$`).exec(result.stdout.trimEnd());
    expect(marker, result.stdout).not.toBeNull();
    const dir = marker![2]!;
    dirs.push(dir);
    const got = records(await readFile(`${dir}/${MUX_OUTPUT_FILE}`));
    // The stub is no debugpy adapter, so nobody removes the hook's directory: the test does.
    const site = /^pythonpath=(\/\S+\/periscope-site\.\w+):/m.exec(got.map(([, t]) => t).join(''));
    if (site?.[1]) dirs.push(site[1]);
    return { run: result, dir, records: got };
  }

  it('prints only the marker with the directory; the program output is framed in one file', async () => {
    const { run: result, records: got } = await launch(true);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(got.map(([c]) => c)).toContain('stderr');
    const stdout = got
      .filter(([c]) => c === 'stdout')
      .map(([, t]) => t)
      .join('');
    expect(stdout.split('\n')).toEqual([
      `pwd=${home}`,
      expect.stringMatching(/^pythonpath=\/\S+\/periscope-site\.\w+:\/user\/path$/),
      'arg=-Xfrozen_modules=off',
      'arg=-m',
      'arg=debugpy',
      'arg=--listen',
      'arg=127.0.0.1:5678',
      'arg=--wait-for-client',
      'arg=my prog.py',
      'arg=two words',
      '',
    ]);
    expect(got.filter(([c]) => c === 'stderr')).toEqual([['stderr', 'to stderr\n']]);
    // The mux itself runs before `env PYTHONPATH=<hook>…` (and with -I -S ignores PYTHONPATH).
    expect((await readFile(`${home}/mux-pythonpath`, 'utf8')).split('\n')[0]).toBe('/user/path');
  });

  it('works without the TCP_NODELAY hook too', async () => {
    const { records: got } = await launch(false);
    expect(got.map(([, t]) => t).join('')).toContain('pythonpath=/user/path\n');
  });

  it("exits with the program's exit code", async () => {
    const { run: result, records: got } = await launch(true, 3);
    expect(result.code).toBe(3);
    expect(got.at(-1)).toEqual(['stderr', 'to stderr\n']);
  });

  it('keeps the exec channel plain: no redirections of the non-file command', () => {
    const plain = launchCommand(
      { python: '/usr/bin/python3', target: { kind: 'module', module: 'm' }, args: [], cwd: '' },
      1,
    );
    expect(plain).not.toContain('periscope_out');
    expect(plain).not.toContain(' -I -S ');
  });
});
