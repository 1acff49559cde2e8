/**
 * `profiles.setWatches` through the relay: a profile's saved watch list is set alone, listed back
 * by `profiles.list`, kept by a form save that omits it, and still there after the store reopens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/log/logger.js';
import { ProfileStore } from '../../../../src-main/profiles/profile-store.js';
import type { ProfileDraft } from '../../../../src-common/protocol/profile.js';
import { Backend } from '../../../../src-main/backend/backend.js';
import { RelayTestClient } from '../../../harness/relay-test-client.js';

const draft: ProfileDraft = {
  name: 'box',
  host: 'box.example.com',
  port: 22,
  user: 'me',
  auth: { kind: 'agent' },
  python: 'python3',
  cwd: '',
  pathMappings: [],
  justMyCode: true,
};

describe('profiles.setWatches through the relay', () => {
  let root: string;
  let relay: Backend;
  let client: RelayTestClient;

  async function start(): Promise<void> {
    const store = await ProfileStore.open(root, { logger: silentLogger });
    relay = new Backend({ profileStore: store, dataDir: root, logger: silentLogger });
    client = new RelayTestClient();
    relay.connectClient(client);
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'periscope-watches-'));
    await start();
  });
  afterEach(async () => {
    await relay.close();
    await rm(root, { recursive: true, force: true });
  });

  it('sets the list, lists it back, and keeps it across a form save and a restart', async () => {
    const { profile } = await client.app('profiles.save', { profile: draft });
    expect(profile.watchExpressions).toEqual([]);

    const set = await client.app('profiles.setWatches', {
      id: profile.id,
      watchExpressions: ['len(items)', 'total * 2'],
    });
    expect(set.profile).toEqual({ ...profile, watchExpressions: ['len(items)', 'total * 2'] });
    expect((await client.app('profiles.list', {})).profiles).toEqual([set.profile]);

    // The profile form sends no watch list: the saved one stays.
    await client.app('profiles.save', { profile: { ...draft, id: profile.id, name: 'renamed' } });

    await relay.close();
    await start();
    const { profiles } = await client.app('profiles.list', {});
    expect(profiles).toEqual([
      { ...profile, name: 'renamed', watchExpressions: ['len(items)', 'total * 2'] },
    ]);
  });

  it('answers a bad list or an unknown profile with a clear error and changes nothing', async () => {
    const { profile } = await client.app('profiles.save', { profile: draft });
    await client.app('profiles.setWatches', { id: profile.id, watchExpressions: ['a'] });

    expect(
      await client.appRaw('profiles.setWatches', {
        id: profile.id,
        watchExpressions: ['x'.repeat(2001)],
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-profile',
        message: expect.stringContaining(
          'watchExpressions.0: a watch expression must be at most 2000 characters',
        ) as unknown,
      },
    });
    expect(
      await client.appRaw('profiles.setWatches', { id: 'nope', watchExpressions: ['a'] }),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(
      await client.appRaw('profiles.setWatches', {
        id: profile.id,
        watchExpressions: 'a' as unknown as string[],
      }),
    ).toMatchObject({ ok: false });

    const { profiles } = await client.app('profiles.list', {});
    expect(profiles[0]?.watchExpressions).toEqual(['a']);
  });
});
