/**
 * Importing profiles from an OpenSSH config and exchanging attach configurations with a
 * project's `.vscode/launch.json`, through the relay's app methods, on real files.
 */
import { VS_CODE_DEFAULTS } from '../../../src-main/profiles/launch-json.js';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';

describe('profile import and launch.json exchange through the relay', () => {
  let root: string;
  let relay: Backend;
  let client: RelayTestClient;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'periscope-import-'));
    await mkdir(join(root, 'data'));
    const store = await ProfileStore.open(join(root, 'data'), { logger: silentLogger });
    relay = new Backend({ profileStore: store, dataDir: join(root, 'data'), logger: silentLogger });
    client = new RelayTestClient();
    relay.connectClient(client);
  });
  afterEach(async () => {
    await relay.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reads an ssh config into drafts and never runs its Match exec command', async () => {
    const canary = join(root, 'ran');
    const config = join(root, 'ssh_config');
    await writeFile(
      config,
      `Host web\n  HostName 10.1.2.3\n  User deploy\n  Port 2200\n  IdentityFile ~/.ssh/id_web\nMatch exec "touch ${canary}"\n  User evil\n`,
    );
    const result = await client.app('profiles.importSshConfig', { path: config });
    expect(result.path).toBe(config);
    expect(result.profiles).toEqual([
      expect.objectContaining({
        name: 'web',
        host: '10.1.2.3',
        user: 'deploy',
        port: 2200,
        auth: { kind: 'key', keyPath: expect.stringMatching(/\/\.ssh\/id_web$/) as unknown },
      }),
    ]);
    expect(result.warnings[0]).toMatch(/^"Match exec touch .*" was not evaluated/);
    expect(existsSync(canary)).toBe(false);
    // The drafts save as they are.
    const saved = await client.app('profiles.save', { profile: result.profiles[0]! });
    expect(saved.profile).toMatchObject({ name: 'web', host: '10.1.2.3', attachPort: 5678 });
  });

  it("keeps a profile's attach port, which an older form that omits it does not reset", async () => {
    const draft = {
      name: 'vscode-user',
      host: '10.1.2.3',
      port: 22,
      user: 'deploy',
      auth: { kind: 'agent' as const },
      python: 'python3',
      cwd: '',
      pathMappings: [],
      justMyCode: true,
    };
    const { profile } = await client.app('profiles.save', {
      profile: { ...draft, attachPort: 5690 },
    });
    expect(profile.attachPort).toBe(5690);
    await client.app('profiles.save', { profile: { ...draft, id: profile.id, name: 'renamed' } });
    const { profiles } = await client.app('profiles.list', {});
    expect(profiles).toEqual([expect.objectContaining({ name: 'renamed', attachPort: 5690 })]);
  });

  it('says clearly when there is no such config', async () => {
    const response = await client.appRaw('profiles.importSshConfig', { path: join(root, 'none') });
    expect(response).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: `There is no ssh config at ${join(root, 'none')}.` },
    });
  });

  it('exports into launch.json keeping comments, and imports it back', async () => {
    const project = join(root, 'project');
    await mkdir(join(project, '.vscode'), { recursive: true });
    await writeFile(
      join(project, '.vscode', 'launch.json'),
      '{\n  // my settings\n  "version": "0.2.0",\n  "configurations": [],\n}\n',
    );
    const configuration = {
      name: 'Periscope: web',
      connect: { host: 'localhost', port: 5678 },
      pathMappings: [{ localRoot: join(project, 'src'), remoteRoot: '/srv/app' }],
      justMyCode: false,
      options: {
        stopOnEntry: true,
        pythonArgs: ['-X', 'dev'],
        envFile: '/srv/app/.env',
        showReturnValue: false,
        gevent: false,
        pyramid: false,
        sudo: false,
        console: 'integratedTerminal' as const,
        subProcess: false,
        django: true,
        jinja: false,
      },
    };
    const written = await client.app('profiles.exportLaunchJson', {
      projectPath: project,
      configuration,
    });
    const text = await readFile(written.path, 'utf8');
    expect(text).toContain('// my settings');
    expect(text).toContain('"localRoot": "${workspaceFolder}/src"');
    const back = await client.app('profiles.importLaunchJson', { projectPath: project });
    expect(back.configurations).toEqual([configuration]);
  });

  it('refuses to overwrite a launch.json it cannot read, leaving it as it was', async () => {
    const project = join(root, 'broken');
    await mkdir(join(project, '.vscode'), { recursive: true });
    const file = join(project, '.vscode', 'launch.json');
    await writeFile(file, '{ "configurations": [ oops');
    const response = await client.appRaw('profiles.exportLaunchJson', {
      projectPath: project,
      configuration: {
        name: 'x',
        connect: { host: 'localhost', port: 1 },
        pathMappings: [],
        justMyCode: true,
        options: { ...VS_CODE_DEFAULTS },
      },
    });
    expect(response).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(await readFile(file, 'utf8')).toBe('{ "configurations": [ oops');
  });
});
