import { describe, expect, it } from 'vitest';
import {
  DEBUG_OPTION_DEFAULTS,
  migrate,
  parseProfileDraft,
  parseWatchExpressions,
  ProfileFileVersionError,
  ProfileValidationError,
} from '../../../../src-main/profiles/profile-schema.js';
import type { ProfileDraft } from '../../../../src-common/protocol/profile.js';

const good: ProfileDraft = {
  name: 'box',
  host: '10.0.0.5',
  port: 22,
  user: 'me',
  auth: { kind: 'agent' },
  python: 'python3',
  cwd: '',
  pathMappings: [],
  justMyCode: false,
};

function issuesOf(raw: unknown): string[] {
  try {
    parseProfileDraft(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileValidationError);
    return (error as ProfileValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('parseProfileDraft', () => {
  it('accepts a valid draft with and without id', () => {
    expect(parseProfileDraft(good)).toEqual(good);
    expect(parseProfileDraft({ ...good, id: 'abc' })).toEqual({ ...good, id: 'abc' });
  });

  it.each<[string, Partial<Record<keyof ProfileDraft, unknown>>, string]>([
    ['empty name', { name: '' }, 'name: name must not be empty'],
    ['blank name', { name: '   ' }, 'name: name must not be blank'],
    ['long name', { name: 'x'.repeat(101) }, 'name: name must be at most 100 characters'],
    ['host with space', { host: 'a b' }, 'host: host must not contain whitespace'],
    ['host as option', { host: '-oProxyCommand=x' }, 'host: host must not start with "-"'],
    ['port 0', { port: 0 }, 'port: port must be from 1 to 65535'],
    ['port 65536', { port: 65536 }, 'port: port must be from 1 to 65535'],
    ['fractional port', { port: 22.5 }, 'port: port must be an integer'],
    ['string port', { port: '22' }, 'port: port must be a number'],
    ['empty user', { user: '' }, 'user: user must not be empty'],
    [
      'empty keyPath',
      { auth: { kind: 'key', keyPath: '' } },
      'auth.keyPath: keyPath must not be empty',
    ],
    [
      'unknown auth',
      { auth: { kind: 'hostbased' } },
      'auth.kind: auth.kind must be "agent", "key", "password" or "keyboard-interactive"',
    ],
    ['auth not an object', { auth: 'agent' }, 'auth: auth must be an object { kind, keyPath? }'],
    ['empty python', { python: '' }, 'python: python must not be empty'],
    [
      'newline in python',
      { python: 'python3\nrm -rf /' },
      'python: python must not contain control characters',
    ],
    [
      'empty remoteRoot',
      { pathMappings: [{ localRoot: '/a', remoteRoot: '' }] },
      'pathMappings.0.remoteRoot: remoteRoot must not be empty',
    ],
    [
      'justMyCode not boolean',
      { justMyCode: 'yes' },
      'justMyCode: justMyCode must be true or false',
    ],
  ])('rejects %s', (_what, change, expected) => {
    expect(issuesOf({ ...good, ...change })).toContain(expected);
  });

  it('reports a missing field by its path', () => {
    const { python: _python, ...rest } = good;
    expect(issuesOf(rest)).toEqual(['python: python must be a string']);
  });

  it('rejects a non-object', () => {
    expect(issuesOf('nope').length).toBeGreaterThan(0);
  });

  it('accepts every auth kind and never keeps a secret sent along', () => {
    for (const kind of ['agent', 'password', 'keyboard-interactive'] as const) {
      expect(parseProfileDraft({ ...good, auth: { kind } }).auth).toEqual({ kind });
    }
    const withSecret = parseProfileDraft({
      ...good,
      auth: { kind: 'password', password: 'canary-hunter2' },
      password: 'canary-hunter2',
    });
    expect(JSON.stringify(withSecret)).not.toContain('canary-hunter2');
  });

  it('checks jump hosts, env names and log file paths', () => {
    expect(
      issuesOf({
        ...good,
        jumpHosts: [
          {
            kind: 'address',
            host: '-oProxyCommand=x',
            port: 0,
            user: 'u',
            auth: { kind: 'agent' },
          },
        ],
        env: [
          { name: '1BAD', value: 'x' },
          { name: 'A', value: 'line\nbreak' },
        ],
        logFiles: ['relative.log'],
      }),
    ).toEqual([
      'jumpHosts.0.host: host must not start with "-"',
      'jumpHosts.0.port: port must be from 1 to 65535',
      'env.0.name: name must be letters, digits and _, not starting with a digit',
      'env.1.value: value must not contain NUL or line breaks',
      'logFiles.0: log file must be an absolute remote path (or start with ~/)',
    ]);
  });

  it('refuses an env variable set twice', () => {
    expect(
      issuesOf({
        ...good,
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      }),
    ).toEqual(['env.1.name: A is set twice']);
  });
});

describe('watch expressions', () => {
  it('are optional in a draft and checked when present', () => {
    expect(parseProfileDraft(good).watchExpressions).toBeUndefined();
    expect(parseProfileDraft({ ...good, watchExpressions: ['a + 1'] }).watchExpressions).toEqual([
      'a + 1',
    ]);
    expect(issuesOf({ ...good, watchExpressions: ['ok', ' ', 'x'.repeat(2001), 3] })).toEqual([
      'watchExpressions.1: a watch expression must not be blank',
      'watchExpressions.2: a watch expression must be at most 2000 characters',
      'watchExpressions.3: a watch expression must be a string',
    ]);
    expect(
      issuesOf({ ...good, watchExpressions: Array.from({ length: 201 }, (_, i) => `v${i}`) }),
    ).toEqual(['watchExpressions: at most 200 watch expressions']);
    expect(parseWatchExpressions(['x'.repeat(2000)])).toHaveLength(1);
    expect(() => parseWatchExpressions('a')).toThrow(
      'Invalid watch expressions: watchExpressions: watchExpressions must be a list',
    );
  });

  it('read as empty from a version-2 file written before the field existed', () => {
    const file = {
      version: 2,
      profiles: [{ ...good, id: 'a', jumpHosts: [], env: [], logFiles: [] }],
    };
    expect(migrate(file).profiles[0]?.watchExpressions).toEqual([]);
  });
});

describe('attachPort', () => {
  it('reads as 5678 from a version-2 file written before the field existed', () => {
    const file = {
      version: 2,
      profiles: [
        { ...good, id: 'a', jumpHosts: [], env: [], logFiles: [], watchExpressions: ['x'] },
      ],
    };
    expect(migrate(file).profiles[0]).toEqual({
      ...file.profiles[0],
      attachPort: 5678,
      subProcess: true,
      maxChildProcesses: 32,
      django: false,
      jinja: false,
      ...DEBUG_OPTION_DEFAULTS,
      containers: [],
      capture: true,
    });
  });

  it('is optional in a draft and, when given, a port', () => {
    expect(parseProfileDraft(good)).not.toHaveProperty('attachPort');
    expect(parseProfileDraft({ ...good, attachPort: 5679 }).attachPort).toBe(5679);
    expect(issuesOf({ ...good, attachPort: 0 })).toEqual([
      'attachPort: port must be from 1 to 65535',
    ]);
    expect(issuesOf({ ...good, attachPort: '5678' })).toEqual([
      'attachPort: port must be a number',
    ]);
  });
});

describe('subProcess and maxChildProcesses', () => {
  it('read as on and 32 from a file written before the fields existed, and are checked', () => {
    const file = {
      version: 2,
      profiles: [{ ...good, id: 'a', jumpHosts: [], env: [], logFiles: [] }],
    };
    expect(migrate(file).profiles[0]).toMatchObject({ subProcess: true, maxChildProcesses: 32 });
    expect(issuesOf({ ...good, maxChildProcesses: 0 })).toEqual([
      'maxChildProcesses: maxChildProcesses must be from 1 to 1000',
    ]);
    expect(issuesOf({ ...good, subProcess: 'yes' })).toEqual([
      'subProcess: subProcess must be true or false',
    ]);
  });
});

describe('migrate', () => {
  it('migrates version 1 to version 2: empty jump hosts, env and log files, nothing lost', () => {
    const file = { version: 1, profiles: [{ ...good, id: 'a' }] };
    expect(migrate(file)).toEqual({
      version: 2,
      profiles: [
        {
          ...good,
          id: 'a',
          jumpHosts: [],
          env: [],
          logFiles: [],
          watchExpressions: [],
          attachPort: 5678,
          subProcess: true,
          maxChildProcesses: 32,
          django: false,
          jinja: false,
          ...DEBUG_OPTION_DEFAULTS,
          containers: [],
          capture: true,
        },
      ],
    });
  });

  it('accepts version 2 as is', () => {
    const file = {
      version: 2,
      profiles: [
        {
          ...good,
          id: 'a',
          auth: { kind: 'password' },
          jumpHosts: [
            { kind: 'address', host: 'bastion', port: 2222, user: 'j', auth: { kind: 'agent' } },
            { kind: 'profile', profileId: 'b' },
          ],
          env: [{ name: 'DJANGO_SETTINGS', value: 'prod' }],
          logFiles: ['/var/log/app.log'],
          watchExpressions: ['len(items)', 'request.user'],
          attachPort: 5679,
          subProcess: false,
          maxChildProcesses: 4,
          django: true,
          jinja: false,
          stopOnEntry: true,
          pythonArgs: ['-X', 'dev'],
          envFile: '~/app/.env',
          showReturnValue: true,
          containers: [],
          capture: true,
          gevent: true,
          pyramid: true,
          sudo: true,
          console: 'externalTerminal',
        },
      ],
    };
    expect(migrate(file)).toEqual(file);
  });

  it('still refuses a version-1 file with a bad profile after migrating it', () => {
    expect(() => migrate({ version: 1, profiles: [{ id: 'x', name: 'n' }] })).toThrow(
      ProfileValidationError,
    );
  });

  it('says clearly that a newer version is not understood', () => {
    expect(() => migrate({ version: 3, profiles: [] })).toThrow(ProfileFileVersionError);
    expect(() => migrate({ version: 3, profiles: [] })).toThrow(/version 3.*newer Periscope/);
  });

  it.each([
    [null],
    [[]],
    ['text'],
    [{ profiles: [] }],
    [{ version: '1', profiles: [] }],
    [{ version: 0 }],
  ])('rejects %j as not a profiles file', (raw) => {
    expect(() => migrate(raw)).toThrow(ProfileValidationError);
  });

  it('rejects duplicate ids', () => {
    const p = { ...good, id: 'same' };
    expect(() => migrate({ version: 1, profiles: [p, p] })).toThrow(
      /profiles\.1\.id: duplicate profile id "same"/,
    );
  });
});

describe('the launch.json debug options', () => {
  it('reads a file written before them as off and empty', () => {
    const file = {
      version: 2,
      profiles: [{ ...good, id: 'a', jumpHosts: [], env: [], logFiles: [] }],
    };
    expect(migrate(file).profiles[0]).toMatchObject({
      ...DEBUG_OPTION_DEFAULTS,
    });
  });

  it('refuses interpreter flags that are not one argv entry each, and a bad envFile', () => {
    expect(issuesOf({ ...good, pythonArgs: '-O' })).toEqual([
      'pythonArgs: pythonArgs must be a list',
    ]);
    expect(issuesOf({ ...good, pythonArgs: ['-X', ''] })).toEqual([
      'pythonArgs.1: an interpreter flag must not be empty',
    ]);
    expect(issuesOf({ ...good, pythonArgs: ['-u\n'] })).toEqual([
      'pythonArgs.0: an interpreter flag must not contain NUL or line breaks',
    ]);
    expect(issuesOf({ ...good, envFile: '.env\n' })).toEqual([
      'envFile: envFile must not contain control characters',
    ]);
    expect(issuesOf({ ...good, console: 'newTerminal' })).toEqual([
      'console: console must be internalConsole, integratedTerminal or externalTerminal',
    ]);
    expect(parseProfileDraft({ ...good, console: 'integratedTerminal' }).console).toBe(
      'integratedTerminal',
    );
    expect(issuesOf({ ...good, stopOnEntry: 1, showReturnValue: 'yes' })).toEqual([
      'stopOnEntry: stopOnEntry must be true or false',
      'showReturnValue: showReturnValue must be true or false',
    ]);
  });
});
