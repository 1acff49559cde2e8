/**
 * A Backend with one saved profile that reaches the harness sshd with the test user's key, its host
 * key already in a known_hosts file (no prompt): the common setup of relay tests over real SSH.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, silentLogger } from '../../src-main/log/logger.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import { ProfileStore } from '../../src-main/profiles/profile-store.js';
import { Backend } from '../../src-main/backend/backend.js';
import type { TestSshd } from './sshd.js';

/** What {@link loopbackRelay} made. Close `relay` when done; `dir` is left to the caller. */
export interface LoopbackRelay {
  relay: Backend;
  store: ProfileStore;
  profile: Profile;
}

/**
 * Makes `<dir>/data` and `<dir>/known_hosts`, saves a profile `name` for `sshd` (key auth,
 * `/usr/bin/python3`) and opens a Backend on them.
 */
export async function loopbackRelay(
  dir: string,
  sshd: TestSshd,
  name = 'loopback',
): Promise<LoopbackRelay> {
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, sshd.knownHostsLine() + '\n');
  const store = await ProfileStore.open(dataDir, { logger: silentLogger });
  const profile = await store.save({
    name,
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    auth: { kind: 'key', keyPath: sshd.userKeyPath },
    python: '/usr/bin/python3',
    cwd: '',
    pathMappings: [],
    justMyCode: true,
  });
  const relay = new Backend({
    profileStore: store,
    dataDir,
    logger: process.env.PERISCOPE_TEST_LOG ? createLogger('test') : silentLogger,
    knownHostsFiles: [knownHosts],
  });
  return { relay, store, profile };
}
