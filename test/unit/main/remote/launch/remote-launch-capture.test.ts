/**
 * The launch's crash capture (the profile's `capture`): the launch command writes the capture
 * module beside the TCP_NODELAY hook, and the hook turns capture on in the program, unless the
 * environment says `PERISCOPE_CAPTURE=0`. A stand-in "python" runs the real /usr/bin/python3
 * (ignoring debugpy's arguments), so the real hook and module run.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCommand } from '../../../../../src-main/remote/launch/remote-launch.js';

describe('launchCommand with capture', () => {
  let home: string;
  let stub: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'periscope-launch-capture-'));
    stub = path.join(home, 'python');
    // What the program sees: whether the module is loaded and enabled, and where it came from.
    const probe =
      'import sys, os; m = sys.modules.get("periscope_capture"); ' +
      'print("enabled=%s" % (bool(m and m._enabled),)); ' +
      'print("beside=%s" % sorted(n for n in os.listdir(os.environ["PYTHONPATH"].split(":")[0]) if n.endswith(".py")))';
    await writeFile(stub, `#!/bin/sh\nexec /usr/bin/python3 -c '${probe}'\n`);
    await chmod(stub, 0o755);
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const run = (capture: boolean, env: { name: string; value: string }[] = []): string[] =>
    execFileSync(
      '/bin/bash',
      [
        '-c',
        launchCommand(
          {
            python: stub,
            target: { kind: 'module', module: 'm' },
            args: [],
            cwd: '',
            capture,
            env,
          },
          1,
        ),
      ],
      { env: { PATH: '/usr/bin:/bin', HOME: home, TMPDIR: home } },
    )
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(1);

  it('puts the capture module beside the hook, which enables it in the program', () => {
    expect(run(true)).toEqual([
      'enabled=True',
      "beside=['periscope_capture.py', 'sitecustomize.py']",
    ]);
  });

  it('leaves it out without capture, and PERISCOPE_CAPTURE=0 keeps it off', () => {
    expect(run(false)).toEqual(['enabled=False', "beside=['sitecustomize.py']"]);
    expect(run(true, [{ name: 'PERISCOPE_CAPTURE', value: '0' }])[0]).toBe('enabled=False');
  });
});
