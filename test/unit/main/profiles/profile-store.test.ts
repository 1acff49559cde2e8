import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEBUG_OPTION_DEFAULTS } from '../../../../src-main/profiles/profile-schema.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../../../src-main/log/logger.js';
import { silentLogger } from '../../../../src-main/log/logger.js';
import {
  ProfileNotFoundError,
  ProfileStore,
  ProfileValidationError,
} from '../../../../src-main/profiles/profile-store.js';
import type { ProfileDraft } from '../../../../src-common/protocol/profile.js';

function draft(overrides: Partial<ProfileDraft> = {}): ProfileDraft {
  return {
    name: 'staging-web-1',
    host: 'staging.example.com',
    port: 22,
    user: 'deploy',
    auth: { kind: 'key', keyPath: '~/.ssh/id_ed25519' },
    python: '/usr/bin/python3',
    cwd: '/srv/app',
    pathMappings: [{ localRoot: '/home/me/app', remoteRoot: '/srv/app' }],
    justMyCode: true,
    ...overrides,
  };
}

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'periscope-profiles-'));
  dir = join(root, 'data', 'periscope');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const open = () => ProfileStore.open(dir, { logger: silentLogger });

describe('ProfileStore', () => {
  it('starts empty when there is no file', async () => {
    const store = await open();
    expect(store.list()).toEqual([]);
    expect(store.recoveredFrom).toBeUndefined();
  });

  it('saves, and a reopened store lists the same profiles sorted by name', async () => {
    const store = await open();
    const b = await store.save(draft({ name: 'beta' }));
    const a = await store.save(draft({ name: 'alpha', auth: { kind: 'agent' }, port: 2222 }));
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);

    const reopened = await open();
    expect(reopened.list()).toEqual([a, b]);
    expect(reopened.get(a.id)).toEqual({
      ...draft({ name: 'alpha', auth: { kind: 'agent' }, port: 2222 }),
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
      id: a.id,
    });

    const onDisk = JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')) as unknown;
    expect(onDisk).toMatchObject({ version: 2, profiles: expect.any(Array) as unknown });
  });

  it('updates a profile in place by id', async () => {
    const store = await open();
    const saved = await store.save(draft());
    const updated = await store.save({ ...saved, name: 'renamed', port: 2200 });
    expect(updated).toEqual({ ...saved, name: 'renamed', port: 2200 });
    expect(store.list()).toHaveLength(1);
    expect((await open()).get(saved.id)?.name).toBe('renamed');
  });

  it('rejects an update of an unknown id and writes nothing', async () => {
    const store = await open();
    await expect(store.save(draft({ id: 'nope' }))).rejects.toBeInstanceOf(ProfileNotFoundError);
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('deletes, and a reopened store no longer has it; unknown ids are an error', async () => {
    const store = await open();
    const a = await store.save(draft({ name: 'a' }));
    const b = await store.save(draft({ name: 'b' }));
    await store.delete(a.id);
    expect(store.get(a.id)).toBeUndefined();
    expect((await open()).list()).toEqual([b]);
    await expect(store.delete(a.id)).rejects.toThrow(ProfileNotFoundError);
  });

  it('rejects invalid drafts with every issue named by field', async () => {
    const store = await open();
    const bad = draft({
      name: '',
      host: 'has space',
      port: 70000,
      pathMappings: [{ localRoot: '', remoteRoot: '/x' }],
    });
    const error = await store.save(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileValidationError);
    const issues = (error as ProfileValidationError).issues.map((i) => i.path);
    expect(issues).toEqual(
      expect.arrayContaining(['name', 'host', 'port', 'pathMappings.0.localRoot']),
    );
    expect((error as Error).message).toContain('port: port must be from 1 to 65535');
    expect(store.list()).toEqual([]);
  });

  it('strips unknown keys such as a password; they never reach the disk', async () => {
    const store = await open();
    const withSecret = {
      ...draft(),
      password: 'hunter2',
      auth: { kind: 'agent', passphrase: 'x' },
    };
    const saved = await store.save(withSecret as ProfileDraft);
    expect(saved).not.toHaveProperty('password');
    expect(saved.auth).toEqual({ kind: 'agent' });
    const text = await readFile(join(dir, 'profiles.json'), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('passphrase');
  });

  it('creates the directory 0700 and the file 0600', async () => {
    const store = await open();
    await store.save(draft());
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'profiles.json'))).mode & 0o777).toBe(0o600);
  });

  it('narrows an existing data directory that others can read to 0700', async () => {
    const open = join(root, 'shared-mode');
    await mkdir(open, { mode: 0o755 });
    await chmod(open, 0o755);
    await ProfileStore.open(open, { logger: silentLogger });
    expect((await stat(open)).mode & 0o777).toBe(0o700);
  });

  it('lands every one of many concurrent saves and deletes', async () => {
    const store = await open();
    const keep = await store.save(draft({ name: 'keep' }));
    const gone = await store.save(draft({ name: 'gone' }));
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => store.save(draft({ name: `p${i}` }))),
      store.delete(gone.id),
      store.save({ ...keep, name: 'kept' }),
    ]);
    expect(results).toHaveLength(12);
    const names = (await open()).list().map((p) => p.name);
    expect(names).toEqual(
      ['kept', ...Array.from({ length: 10 }, (_, i) => `p${i}`)].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('keeps jump hosts, env and log files when a draft without them replaces a profile', async () => {
    const store = await open();
    const saved = await store.save(
      draft({
        jumpHosts: [
          { kind: 'address', host: 'bastion', port: 22, user: 'j', auth: { kind: 'agent' } },
        ],
        env: [{ name: 'MODE', value: 'debug' }],
        logFiles: ['/var/log/app.log'],
      }),
    );
    const { jumpHosts: _j, env: _e, logFiles: _l, ...olderForm } = saved;
    const updated = await store.save({ ...olderForm, name: 'renamed' });
    expect(updated).toEqual({ ...saved, name: 'renamed' });
    expect((await open()).get(saved.id)).toEqual(updated);
    // An explicit empty list does clear.
    expect((await store.save({ ...updated, logFiles: [] })).logFiles).toEqual([]);
  });

  it('keeps the attach port when a draft without it replaces a profile; a new one gets 5678', async () => {
    const store = await open();
    expect((await store.save(draft({ name: 'fresh' }))).attachPort).toBe(5678);
    const saved = await store.save(draft({ attachPort: 5679 }));
    const { attachPort: _p, ...olderForm } = saved;
    expect(await store.save({ ...olderForm, name: 'renamed' })).toEqual({
      ...saved,
      name: 'renamed',
    });
    expect((await open()).get(saved.id)?.attachPort).toBe(5679);
    await expect(store.save({ ...saved, attachPort: 70000 })).rejects.toThrow(
      'attachPort: port must be from 1 to 65535',
    );
  });

  it('sets only the watch expressions, which a reopened store and a later form save keep', async () => {
    const store = await open();
    const saved = await store.save(draft({ logFiles: ['/var/log/app.log'] }));
    expect(saved.watchExpressions).toEqual([]);

    const updated = await store.setWatchExpressions(saved.id, ['len(items)', 'user.name']);
    expect(updated).toEqual({ ...saved, watchExpressions: ['len(items)', 'user.name'] });
    expect((await open()).get(saved.id)).toEqual(updated);

    // A form save that leaves the field out (the form never sends it) keeps the list.
    const { watchExpressions: _w, ...form } = updated;
    const renamed = await store.save({ ...form, name: 'renamed' });
    expect(renamed.watchExpressions).toEqual(['len(items)', 'user.name']);
    expect((await open()).get(saved.id)?.watchExpressions).toEqual(['len(items)', 'user.name']);
  });

  it('refuses a bad watch list or an unknown profile and writes nothing', async () => {
    const store = await open();
    const saved = await store.setWatchExpressions((await store.save(draft())).id, ['a']);
    const before = await readFile(join(dir, 'profiles.json'), 'utf8');
    await expect(store.setWatchExpressions(saved.id, ['x'.repeat(2001)])).rejects.toThrow(
      /watchExpressions\.0: a watch expression must be at most 2000 characters/,
    );
    await expect(
      store.setWatchExpressions(
        saved.id,
        Array.from({ length: 201 }, (_, i) => `v${i}`),
      ),
    ).rejects.toThrow(ProfileValidationError);
    await expect(store.setWatchExpressions(saved.id, ['  '])).rejects.toThrow(/blank/);
    await expect(store.setWatchExpressions('nope', ['a'])).rejects.toThrow(ProfileNotFoundError);
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).toBe(before);
    expect((await open()).get(saved.id)?.watchExpressions).toEqual(['a']);
  });

  it('serializes watch updates with concurrent saves: both land', async () => {
    const store = await open();
    const saved = await store.save(draft());
    await Promise.all([
      store.setWatchExpressions(saved.id, ['w1']),
      store.save({ ...draft({ name: 'renamed' }), id: saved.id }),
      store.setWatchExpressions(saved.id, ['w1', 'w2']),
    ]);
    const reopened = (await open()).get(saved.id);
    expect(reopened?.name).toBe('renamed');
    expect(reopened?.watchExpressions).toEqual(['w1', 'w2']);
  });

  it("two stores on one directory (two Periscope processes) never lose each other's saves", async () => {
    const first = await open();
    const second = await open();
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => first.save(draft({ name: `first-${i}` }))),
      ...Array.from({ length: 10 }, (_, i) => second.save(draft({ name: `second-${i}` }))),
    ]);
    expect((await open()).list()).toHaveLength(20);
    expect((await readdir(dir)).filter((name) => name.includes('.lock'))).toEqual([]);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const store = await open();
    await writeFile(join(dir, 'profiles.json.lock'), '999999999');
    await store.save(draft());
    expect(store.list()).toHaveLength(1);
  });

  it('returns copies: changing a listed profile does not change the store', async () => {
    const store = await open();
    const saved = await store.save(draft());
    const listed = store.list()[0]!;
    listed.name = 'mutated';
    listed.pathMappings.push({ localRoot: '/a', remoteRoot: '/b' });
    expect(store.get(saved.id)).toEqual(saved);
  });

  it.each([
    ['not JSON', '{ "version": 1, "profiles": ['],
    ['schema-invalid', JSON.stringify({ version: 1, profiles: [{ id: 'x', name: 'n' }] })],
    ['a newer version', JSON.stringify({ version: 3, profiles: [] })],
    [
      'duplicate ids',
      JSON.stringify({
        version: 1,
        profiles: [
          { ...draft(), id: 'a' },
          { ...draft(), id: 'a' },
        ],
      }),
    ],
  ])('moves a %s file aside, reports it and starts empty', async (_kind, content) => {
    await open(); // creates the directory
    await writeFile(join(dir, 'profiles.json'), content);
    const lines: { level: LogLevel; message: string }[] = [];
    const logger = createLogger(
      't',
      (level, _scope, message) => lines.push({ level, message }),
      'debug',
    );

    const store = await ProfileStore.open(dir, { logger });
    expect(store.list()).toEqual([]);
    expect(store.recoveredFrom).toMatch(/profiles\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(store.recoveryReason).toBeTruthy();
    expect(await readFile(store.recoveredFrom!, 'utf8')).toBe(content);
    expect(lines.some((l) => l.level === 'warn')).toBe(true);

    // The store works afterwards and the moved file is left alone.
    await store.save(draft());
    expect((await readdir(dir)).sort()).toEqual([
      'profiles.json',
      store.recoveredFrom!.split('/').pop(),
    ]);
  });
});
