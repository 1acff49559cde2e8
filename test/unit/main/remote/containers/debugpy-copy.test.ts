/**
 * The pure parts of copying the machine's debugpy into a container (`debugpy-copy.ts`,
 * `debugpy-copy-check.ts`): the unpack script's verdicts, the version comparison, the
 * `PYTHONPATH` wrap. The copy itself runs against a real dockerd in
 * `test/integration/containers/container-debugpy-copy.test.ts`.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../../../../src-main/ssh/exec/shell-quote.js';
import {
  judgeUnpack,
  withPythonPath,
  type MachineDebugpy,
} from '../../../../../src-main/remote/containers/debugpy-copy.js';
import { pythonAtLeast } from '../../../../../src-main/remote/containers/debugpy-copy-check.js';
import { containerPlace } from '../../../../../src-main/remote/containers/container-place.js';

const place = containerPlace(
  { kind: 'docker', name: 'web', python: '/usr/bin/python3', pathMappings: [] },
  'python3',
);
const from: MachineDebugpy = {
  dir: '/usr/lib/python3/dist-packages/debugpy',
  version: '1.6.3',
  python: '3.11.2',
  extras: [],
};

describe('judgeUnpack', () => {
  it('names a Python too old for debugpy, with its version and the fix', () => {
    expect(() =>
      judgeUnpack(
        { state: 'too-old', python: '3.6.9', executable: '/usr/bin/python3' },
        place,
        from,
        'box',
      ),
    ).toThrow(
      'container "web" (docker) on box has Python 3.6.9 (/usr/bin/python3), too old for debugpy 1.6.3, which needs Python 3.7 or newer; nothing was copied.',
    );
  });

  it('keeps the container’s own debugpy', () => {
    expect(
      judgeUnpack(
        { state: 'has-own', python: '3.12.1', executable: '/x', version: '1.8.0' },
        place,
        from,
        'box',
      ),
    ).toEqual({ state: 'has-own', version: '1.8.0', python: '3.12.1' });
  });

  it('accepts a copy only in a periscope-debugpy temp directory', () => {
    const ok = judgeUnpack(
      {
        state: 'copied',
        python: '3.11.2',
        executable: '/x',
        dir: '/tmp/periscope-debugpy-ab_12',
        version: '1.6.3',
      },
      place,
      from,
      'box',
    );
    expect(ok).toMatchObject({ state: 'copied', dir: '/tmp/periscope-debugpy-ab_12' });
    for (const dir of ['/', '/tmp', '/tmp/x y/periscope-debugpy-1', "/tmp/periscope-debugpy-1'"])
      expect(() =>
        judgeUnpack({ state: 'copied', python: '3', executable: '/x', dir }, place, from, 'box'),
      ).toThrow(/unexpected directory/);
  });

  it('says why a copy could not be used, and the image fix', () => {
    expect(() =>
      judgeUnpack(
        {
          state: 'failed',
          python: '3.8.0',
          executable: '/x',
          error: "ModuleNotFoundError: No module named 'bytecode'",
        },
        place,
        from,
        'box',
      ),
    ).toThrow(
      /could not be used in container "web" \(docker\) on box with Python 3\.8\.0: ModuleNotFoundError: No module named 'bytecode'\. Add debugpy to the container's image/,
    );
  });
});

describe('pythonAtLeast', () => {
  it.each([
    ['3.11.2', true],
    ['3.7.0', true],
    ['3.7', true],
    ['3.6.15', false],
    ['2.7.18', false],
    ['4.0', true],
    ['garbage', false],
  ])('%s ≥ 3.7: %s', (have, ok) => expect(pythonAtLeast(have, '3.7')).toBe(ok));
});

describe('withPythonPath', () => {
  it('puts the copy first on PYTHONPATH, keeping the container’s own (run by a real sh)', () => {
    const local = { ...place, wrap: (command: string) => `sh -c ${shellQuote(command)}` };
    const wrapped = withPythonPath(local, '/tmp/periscope-debugpy-x').wrap('echo "$PYTHONPATH"');
    const run = (env: NodeJS.ProcessEnv): string =>
      execFileSync('sh', ['-c', wrapped], { env, encoding: 'utf8' }).trim();
    expect(run({ PATH: process.env.PATH, PYTHONPATH: '/own:/more' })).toBe(
      '/tmp/periscope-debugpy-x:/own:/more',
    );
    expect(run({ PATH: process.env.PATH })).toBe('/tmp/periscope-debugpy-x');
  });
});
