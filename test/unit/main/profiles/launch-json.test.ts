import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import {
  exportToLaunchJson,
  importLaunchJson,
  LaunchJsonError,
  VS_CODE_DEFAULTS,
} from '../../../../src-main/profiles/launch-json.js';

const options = { ...VS_CODE_DEFAULTS };
/** An attach entry has no console in VS Code: Periscope's own default. */
const attachOptions = { ...VS_CODE_DEFAULTS, console: 'internalConsole' };

const LAUNCH_JSON = `{
  // Use IntelliSense to learn about possible attributes.
  "version": "0.2.0",
  "configurations": [
    {
      "name": "Attach to staging", /* the usual one */
      "type": "debugpy",
      "request": "attach",
      "connect": { "host": "localhost", "port": 5678 },
      "pathMappings": [
        { "localRoot": "\${workspaceFolder}/src", "remoteRoot": "/srv/app/src" },
      ],
      "justMyCode": false,
    },
    { "name": "Legacy", "type": "python", "request": "attach", "host": "10.0.0.5", "port": 3000 },
    { "name": "Launch file", "type": "debugpy", "request": "launch", "program": "\${file}" },
    { "name": "By pid", "type": "debugpy", "request": "attach", "processId": "\${command:pickProcess}" },
    { "name": "Node", "type": "node", "request": "attach", "port": 9229 },
  ],
}`;

describe('launch.json import', () => {
  it('reads attach configurations with comments and trailing commas', () => {
    const { configurations, skipped } = importLaunchJson(LAUNCH_JSON, '/home/me/app');
    expect(configurations).toEqual([
      {
        name: 'Attach to staging',
        connect: { host: 'localhost', port: 5678 },
        pathMappings: [{ localRoot: '/home/me/app/src', remoteRoot: '/srv/app/src' }],
        justMyCode: false,
        options: attachOptions,
      },
      {
        name: 'Legacy',
        connect: { host: '10.0.0.5', port: 3000 },
        pathMappings: [],
        justMyCode: true,
        options: attachOptions,
      },
      { name: 'Launch file', pathMappings: [], justMyCode: true, options },
    ]);
    expect(skipped).toEqual([
      'By pid: no connect.port (attach by process id is not imported)',
      'Node: type "node" is not debugpy',
    ]);
  });

  it('reads connect as written: its host, and the port as a number or a numeric string', () => {
    const text = `{ "configurations": [
      { "name": "tunnel", "type": "debugpy", "request": "attach",
        "connect": { "host": "127.0.0.1", "port": "5679" } },
      { "name": "no host", "type": "debugpy", "request": "attach", "connect": { "port": 6000 } },
      { "name": "direct", "type": "debugpy", "request": "attach",
        "connect": { "host": "staging.example.com", "port": 5678 } },
      { "name": "asked", "type": "debugpy", "request": "attach",
        "connect": { "host": "localhost", "port": "\${input:debugPort}" } },
      { "name": "too big", "type": "debugpy", "request": "attach", "connect": { "port": 70000 } },
    ] }`;
    const { configurations, skipped } = importLaunchJson(text, '/w');
    expect(configurations.map((c) => [c.name, c.connect])).toEqual([
      ['tunnel', { host: '127.0.0.1', port: 5679 }],
      ['no host', { host: '127.0.0.1', port: 6000 }],
      ['direct', { host: 'staging.example.com', port: 5678 }],
    ]);
    expect(skipped).toEqual([
      'asked: connect.port "${input:debugPort}" is not a port number (1–65535)',
      'too big: connect.port 70000 is not a port number (1–65535)',
    ]);
  });

  it('keeps // and /* inside strings', () => {
    const text = `{ "configurations": [ { "name": "http://x/*y*/", // c
      "type": "debugpy", "request": "attach", "connect": { "port": 1 }, }, ], }`;
    expect(importLaunchJson(text, '/w').configurations[0]?.name).toBe('http://x/*y*/');
  });

  it('says clearly when the file is not JSON or has no configurations', () => {
    expect(() => importLaunchJson('{ nope', '/w')).toThrow(LaunchJsonError);
    expect(() => importLaunchJson('{\n  nope', '/w')).toThrow(
      /^launch\.json is not valid JSON with comments: \w+ at line 2$/,
    );
    expect(() => importLaunchJson('{}', '/w')).toThrow('launch.json has no "configurations" list');
  });
});

describe('launch.json export', () => {
  const config = {
    name: 'Periscope: staging',
    connect: { host: 'localhost', port: 5678 },
    pathMappings: [{ localRoot: '/home/me/app/src', remoteRoot: '/srv/app/src' }],
    justMyCode: true,
    options,
  };

  it('writes a new launch.json that imports back to the same configuration', () => {
    const text = exportToLaunchJson('', config, '/home/me/app');
    expect(text).toContain('"localRoot": "${workspaceFolder}/src"');
    expect(importLaunchJson(text, '/home/me/app').configurations).toEqual([config]);
  });

  it('adds to an existing file, replacing an entry of the same name and keeping the others', () => {
    const once = exportToLaunchJson(LAUNCH_JSON, config, '/home/me/app');
    const twice = exportToLaunchJson(once, { ...config, justMyCode: false }, '/home/me/app');
    const names = (
      importLaunchJsonNames(twice) as { configurations: { name: string }[] }
    ).configurations.map((c) => c.name);
    expect(names).toEqual([
      'Attach to staging',
      'Legacy',
      'Launch file',
      'By pid',
      'Node',
      'Periscope: staging',
    ]);
    expect(importLaunchJson(twice, '/home/me/app').configurations.at(-1)?.justMyCode).toBe(false);
  });

  it("keeps the user's comments and layout when it edits an existing file", () => {
    const text = exportToLaunchJson(LAUNCH_JSON, config, '/home/me/app');
    expect(text).toContain('// Use IntelliSense to learn about possible attributes.');
    expect(text).toContain('/* the usual one */');
    expect(text.startsWith(LAUNCH_JSON.slice(0, LAUNCH_JSON.indexOf('"Node"')))).toBe(true);
    const replaced = exportToLaunchJson(
      LAUNCH_JSON,
      { ...config, name: 'Attach to staging', justMyCode: true },
      '/home/me/app',
    );
    expect(replaced).toContain('// Use IntelliSense');
    expect(importLaunchJson(replaced, '/home/me/app').configurations[0]).toEqual({
      ...config,
      name: 'Attach to staging',
    });
  });

  it('writes the given attach port as connect.port, at localhost', () => {
    const text = exportToLaunchJson(
      LAUNCH_JSON,
      { ...config, connect: { host: 'localhost', port: 5690 } },
      '/home/me/app',
    );
    const entry = (
      importLaunchJsonNames(text) as { configurations: Record<string, unknown>[] }
    ).configurations.at(-1);
    expect(entry).toMatchObject({
      name: 'Periscope: staging',
      type: 'debugpy',
      request: 'attach',
      connect: { host: 'localhost', port: 5690 },
    });
  });

  it('refuses to edit a file it cannot read, rather than overwrite it', () => {
    expect(() => exportToLaunchJson('{ "configurations": [', config, '/w')).toThrow(
      LaunchJsonError,
    );
  });
});

function importLaunchJsonNames(text: string): unknown {
  return parse(text, [], { allowTrailingComma: true }) as unknown;
}

describe('launch.json debug options', () => {
  const entry = (fields: string): string =>
    `{ "configurations": [ { "name": "run", "type": "debugpy", "request": "launch", ${fields} } ] }`;
  const read = (fields: string, folder = '/home/me/app') =>
    importLaunchJson(entry(fields), folder).configurations[0]?.options;

  it("gives what an entry leaves out VS Code's defaults (showReturnValue and subProcess on)", () => {
    expect(read('"program": "app.py"')).toEqual({ ...VS_CODE_DEFAULTS });
  });

  it('reads each option as VS Code writes it', () => {
    expect(
      read(`"stopOnEntry": true, "pythonArgs": ["-X", "dev", "-O"], "envFile": "/srv/app/.env",
        "showReturnValue": false, "gevent": true, "pyramid": true, "sudo": true, "console": "externalTerminal",
        "subProcess": false, "django": true, "jinja": true`),
    ).toEqual({
      stopOnEntry: true,
      pythonArgs: ['-X', 'dev', '-O'],
      envFile: '/srv/app/.env',
      showReturnValue: false,
      gevent: true,
      pyramid: true,
      sudo: true,
      console: 'externalTerminal',
      subProcess: false,
      django: true,
      jinja: true,
    });
  });

  it('takes the wrong types of a hand-edited file as absent', () => {
    expect(
      read('"stopOnEntry": "yes", "pythonArgs": "-O", "envFile": 3, "console": "newTerminal"'),
    ).toEqual(VS_CODE_DEFAULTS);
    expect(read('"pythonArgs": ["-O", 3, ""]')?.pythonArgs).toEqual(['-O']);
  });

  it('puts ${workspaceFolder} of an envFile where the path mappings put the folder, else relative', () => {
    const mapped = `"envFile": "\${workspaceFolder}/config/.env",
      "pathMappings": [{ "localRoot": "\${workspaceFolder}", "remoteRoot": "/srv/app/" }]`;
    expect(read(mapped)?.envFile).toBe('/srv/app/config/.env');
    expect(read('"envFile": "${workspaceFolder}/.env"')?.envFile).toBe('.env');
    expect(read('"envFile": "~/app/.env"')?.envFile).toBe('~/app/.env');
  });

  it('round-trips every option through export and import', () => {
    const config = {
      name: 'Periscope: all',
      connect: { host: 'localhost', port: 5678 },
      pathMappings: [],
      justMyCode: false,
      options: {
        stopOnEntry: true,
        pythonArgs: ['-X', 'dev'],
        envFile: '~/app/.env',
        showReturnValue: false,
        gevent: true,
        pyramid: true,
        sudo: true,
        console: 'internalConsole' as const,
        subProcess: false,
        django: true,
        jinja: true,
      },
    };
    const text = exportToLaunchJson('', config, '/home/me/app');
    expect(importLaunchJson(text, '/home/me/app').configurations).toEqual([config]);
    // Flipped, so that no option round-trips only by being its default.
    const flipped = {
      ...config,
      options: { ...VS_CODE_DEFAULTS },
    };
    const again = exportToLaunchJson(text, flipped, '/home/me/app');
    expect(importLaunchJson(again, '/home/me/app').configurations).toEqual([flipped]);
  });

  it('round-trips each console value, and reads an attach entry without one as internalConsole', () => {
    for (const value of ['internalConsole', 'integratedTerminal', 'externalTerminal'] as const) {
      const config = {
        name: `console ${value}`,
        connect: { host: 'localhost', port: 5678 },
        pathMappings: [],
        justMyCode: true,
        options: { ...VS_CODE_DEFAULTS, console: value },
      };
      const text = exportToLaunchJson('', config, '/w');
      expect(importLaunchJsonNames(text)).toMatchObject({
        configurations: [{ request: 'attach', console: value }],
      });
      expect(importLaunchJson(text, '/w').configurations).toEqual([config]);
    }
    const attach = `{ "configurations": [ { "name": "a", "type": "debugpy", "request": "attach",
      "connect": { "port": 5678 } } ] }`;
    expect(importLaunchJson(attach, '/w').configurations[0]?.options.console).toBe(
      'internalConsole',
    );
    // A launch entry that leaves it out gets VS Code's default.
    expect(read('"program": "app.py"')?.console).toBe('integratedTerminal');
  });

  it('exports a launch entry (no connect) as an attach at localhost and the default port', () => {
    const text = exportToLaunchJson(
      '',
      { name: 'from launch', pathMappings: [], justMyCode: true, options: VS_CODE_DEFAULTS },
      '/w',
    );
    expect(importLaunchJson(text, '/w').configurations[0]?.connect).toEqual({
      host: 'localhost',
      port: 5678,
    });
  });
});
