/**
 * The world most integration tests run in: a Backend with one saved profile that reaches the
 * harness sshd with the test user's key, its host key already in a known_hosts file (no prompt),
 * and `/usr/bin/python3` (the one with debugpy) as the remote interpreter. Options cover what
 * tests vary: the profile, an unknown host key, the backend's logger, tracer starter or limits.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, silentLogger } from '../../src-main/log/logger.js';
import type { Profile, ProfileDraft } from '../../src-common/protocol/profile.js';
import { ProfileStore } from '../../src-main/profiles/profile-store.js';
import { Backend, type BackendOptions } from '../../src-main/backend/backend.js';
import type { TestSshd } from './sshd.js';
import { RelayTestClient } from './relay-test-client.js';

/** What {@link loopbackRelay} made. Close `relay` when done; `dir` is left to the caller. */
export interface LoopbackRelay {
  relay: Backend;
  store: ProfileStore;
  profile: Profile;
  /** `<dir>/data`: the backend's data directory (its own known_hosts is there). */
  dataDir: string;
  /** `<dir>/known_hosts`: the known_hosts file the backend consults. */
  knownHosts: string;
}

/** What a test changes of the usual world. */
export interface LoopbackRelayOptions {
  /** The saved profile's name (default `loopback`). */
  name?: string;
  /** Fields of the saved profile other than the defaults (key auth, `/usr/bin/python3`). */
  profile?: Partial<ProfileDraft>;
  /** False: `known_hosts` starts empty, so the server's host key is unknown (default true). */
  knownHost?: boolean;
  /** Backend options besides store and data directory (`knownHostsFiles` replaces the default). */
  backend?: Partial<Omit<BackendOptions, 'profileStore' | 'dataDir'>>;
}

/**
 * Makes `<dir>/data` and `<dir>/known_hosts`, saves a profile for `sshd` and opens a Backend on
 * them. `options` may be a profile name, for short.
 */
export async function loopbackRelay(
  dir: string,
  sshd: TestSshd,
  options: string | LoopbackRelayOptions = {},
): Promise<LoopbackRelay> {
  const {
    name = 'loopback',
    profile: fields = {},
    knownHost = true,
    backend = {},
  } = typeof options === 'string' ? { name: options } : options;
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, knownHost ? sshd.knownHostsLine() + '\n' : '');
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
    ...fields,
  });
  const relay = new Backend({
    profileStore: store,
    dataDir,
    logger: process.env.PERISCOPE_TEST_LOG ? createLogger('test') : silentLogger,
    knownHostsFiles: [knownHosts],
    ...backend,
  });
  return { relay, store, profile, dataDir, knownHosts };
}

/** What {@link withRelayClient} hands its body: the world and one client connected to it. */
export interface RelayClientWorld extends LoopbackRelay {
  client: RelayTestClient;
}

/**
 * Opens {@link loopbackRelay}'s world with one {@link RelayTestClient} connected, runs `body`, and
 * closes the relay afterwards whether `body` returned or threw; resolves to what `body` resolved
 * to, rejects with what it threw. `options` as {@link loopbackRelay}'s.
 */
export async function withRelayClient<T>(
  dir: string,
  sshd: TestSshd,
  options: string | LoopbackRelayOptions,
  body: (world: RelayClientWorld) => Promise<T>,
): Promise<T>;
export async function withRelayClient<T>(
  dir: string,
  sshd: TestSshd,
  body: (world: RelayClientWorld) => Promise<T>,
): Promise<T>;
export async function withRelayClient<T>(
  dir: string,
  sshd: TestSshd,
  ...rest:
    | [string | LoopbackRelayOptions, (world: RelayClientWorld) => Promise<T>]
    | [(world: RelayClientWorld) => Promise<T>]
): Promise<T> {
  const [options, body] = rest.length === 2 ? rest : [{}, rest[0]];
  const world = await loopbackRelay(dir, sshd, options);
  const client = new RelayTestClient();
  world.relay.connectClient(client);
  try {
    return await body({ ...world, client });
  } finally {
    await world.relay.close();
  }
}
