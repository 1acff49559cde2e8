/**
 * Password authentication through the relay, with a real sshd and a real local user: the relay
 * asks the client (`secret.prompt` after `hostKey.prompt`), the launch works, and the password
 * (a canary) appears nowhere on disk or in the logs — in web mode (nothing kept) and with the
 * encrypted store (only ciphertext kept).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import {
  EncryptedSecretStore,
  type SecretCipher,
  type SecretStore,
} from '../../../src-main/profiles/secret-store.js';
import type { AppEvents, RelayMessage } from '../../../src-common/protocol/client-protocol.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { readableCopy } from '../../harness/readable-copy.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../../harness/sshd.js';

const CANARY = 'canary-7QxZ-pw-31337';
const counter = resolve('test/fixtures/programs/counter.py');

/** AES-256-GCM with a key held in memory: stands in for Electron safeStorage. */
function testCipher(): SecretCipher {
  const key = randomBytes(32);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/** Every file under `dir`, recursively, as text. */
async function everyFile(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await everyFile(path)));
    else out.push({ path, text: (await readFile(path)).toString('latin1') });
  }
  return out;
}

describe('passwords through the relay never reach the disk or the logs', () => {
  let sshd: TestSshd;
  let user: TestUser;
  let root: string;
  let program: string;

  beforeAll(async () => {
    // The program runs as the test user, who may not enter the clone's directory.
    program = await readableCopy(counter);
    user = await createTestUser('periscope-t', CANARY);
    sshd = await startSshd({ overrides: ['PasswordAuthentication yes'] });
    root = await mkdtemp(join(tmpdir(), 'periscope-secrets-'));
  });
  afterAll(async () => {
    await sshd?.stop();
    await user?.remove();
    await rm(root, { recursive: true, force: true });
  });

  async function setup(name: string, secretStore?: SecretStore) {
    const dataDir = join(root, name);
    await mkdir(dataDir);
    const logs: string[] = [];
    const logger = createLogger(
      'test',
      (level, scope, message, fields) =>
        logs.push(`${level} ${scope} ${message} ${JSON.stringify(fields ?? {})}`),
      'debug',
    );
    const store = await ProfileStore.open(dataDir, { logger });
    const profile = await store.save({
      name: 'password-box',
      host: sshd.host,
      port: sshd.port,
      user: user.name,
      auth: { kind: 'password' },
      python: '/usr/bin/python3',
      cwd: '',
      pathMappings: [],
      justMyCode: true,
    });
    const relay = new Backend({
      profileStore: store,
      dataDir,
      logger,
      knownHostsFiles: [join(dataDir, 'known_hosts')],
      ...(secretStore ? { secretStore } : {}),
    });
    return { dataDir, logs, profile, relay };
  }

  /** A client that trusts the host key and answers password prompts with `password`. */
  function client(relay: Backend, password: string, remember = false) {
    const c = new RelayTestClient();
    relay.connectClient(c);
    const prompts: AppEvents['secret.prompt'][] = [];
    c.onHostKeyPrompt = (m: RelayMessage) => {
      if (m.type !== 'app-event') return;
      if (m.event === 'hostKey.prompt') {
        const { promptId } = m.body as AppEvents['hostKey.prompt'];
        setTimeout(() => void c.app('hostKey.answer', { promptId, accept: true }), 0);
      }
      if (m.event === 'secret.prompt') {
        const body = m.body as AppEvents['secret.prompt'];
        prompts.push(body);
        setTimeout(
          () =>
            void c.app('secret.answer', {
              promptId: body.promptId,
              answers: [password],
              remember,
            }),
          0,
        );
      }
    };
    return { c, prompts };
  }

  const launch = (profileId: string) => ({
    profileId,
    target: { kind: 'file' as const, path: program },
    args: ['1'],
    cwd: '',
    breakpoints: [],
  });

  it('web mode: asks for the password after the host key, launches, and keeps it nowhere', async () => {
    const { dataDir, logs, profile, relay } = await setup('web');
    const { c, prompts } = client(relay, CANARY);
    const { session } = await c.app('session.launch', launch(profile.id));
    expect(session.state).not.toBe('ended');
    const events = c.received.flatMap((m) => (m.type === 'app-event' ? [m.event] : []));
    expect(events.indexOf('hostKey.prompt')).toBeLessThan(events.indexOf('secret.prompt'));
    expect(prompts).toEqual([
      expect.objectContaining({
        kind: 'password',
        user: user.name,
        port: sshd.port,
        canRemember: false,
        prompts: [{ prompt: `Password for ${user.name}@127.0.0.1:`, echo: false }],
      }),
    ]);
    await relay.close();

    const files = await everyFile(dataDir);
    expect(files.map((f) => f.path.slice(dataDir.length))).toContain('/profiles.json');
    expect(files.filter((f) => f.text.includes(CANARY)).map((f) => f.path)).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((line) => line.includes(CANARY))).toEqual([]);
  });

  it('a wrong password fails with auth-failed and is not asked again by itself', async () => {
    const { profile, relay } = await setup('wrong');
    const { c, prompts } = client(relay, 'not-the-password');
    const response = await c.appRaw('session.launch', launch(profile.id));
    expect(response).toMatchObject({
      ok: false,
      error: {
        code: 'auth-failed',
        message: `127.0.0.1:${sshd.port} rejected the password for user ${user.name}`,
      },
    });
    expect(prompts).toHaveLength(1);
    await relay.close();
  });

  it('encrypted store: "remember" keeps only ciphertext, and the next launch does not ask', async () => {
    const cipher = testCipher();
    const { dataDir, logs, profile, relay } = await setup(
      'keychain',
      new EncryptedSecretStore(join(root, 'keychain'), cipher),
    );
    const first = client(relay, CANARY, true);
    await first.c.app('session.launch', launch(profile.id));
    expect(first.prompts[0]?.canRemember).toBe(true);

    const second = client(relay, 'never-used');
    await second.c.app('session.launch', launch(profile.id));
    expect(second.prompts).toEqual([]);
    await relay.close();

    const files = await everyFile(dataDir);
    expect(files.map((f) => f.path.slice(dataDir.length))).toContain('/secrets.json');
    expect(files.filter((f) => f.text.includes(CANARY)).map((f) => f.path)).toEqual([]);
    expect(logs.filter((line) => line.includes(CANARY))).toEqual([]);
  });

  it('encrypted store: a stored password the server rejects is forgotten, so the next launch asks', async () => {
    const dir = join(root, 'stale');
    await mkdir(dir);
    const store = new EncryptedSecretStore(dir, testCipher());
    const { profile, relay } = await setup('stale-data', store);
    await store.set(`password:${user.name}@127.0.0.1:${sshd.port}`, 'old-password');
    const first = client(relay, 'unused');
    const failed = await first.c.appRaw('session.launch', launch(profile.id));
    expect(failed).toMatchObject({ ok: false, error: { code: 'auth-failed' } });
    expect(first.prompts).toEqual([]);
    expect(await store.get(`password:${user.name}@127.0.0.1:${sshd.port}`)).toBeUndefined();

    const second = client(relay, CANARY);
    await second.c.app('session.launch', launch(profile.id));
    expect(second.prompts).toHaveLength(1);
    await relay.close();
  });
});
