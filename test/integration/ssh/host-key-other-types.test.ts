/**
 * A host known by keys of other types (OpenSSH: "but keys of different type are already known for
 * this host"), against a real sshd: a server recorded by its RSA key that comes back on the same
 * port with only an ed25519 key is asked about with the RSA key's fingerprint, file and line; the
 * answer records the new key or refuses the connection for good. Through the relay too, with the
 * RSA key in a system-wide file (stand-in for `/etc/ssh/ssh_known_hosts`) that is never written.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import type { AppEvents, RelayMessage } from '../../../src-common/protocol/client-protocol.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { SshError } from '../../../src-main/ssh/ssh-error.js';
import { defaultKnownHostsFiles } from '../../../src-main/ssh/host-keys/known-hosts.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { generateKeyPair, startSshd, type TestKeyPair, type TestSshd } from '../../harness/sshd.js';
import { connectTo, policyIn, tempDir } from './ssh-test-kit.js';

const execFileAsync = promisify(execFile);

/** `ssh-keygen -lf <pub>`'s fingerprint, `SHA256:…`. */
async function keygenFingerprint(publicKeyPath: string): Promise<string> {
  const { stdout } = await execFileAsync('ssh-keygen', ['-lf', publicKeyPath]);
  const fingerprint = stdout.split(' ')[1] ?? '';
  expect(fingerprint).toMatch(/^SHA256:/);
  return fingerprint;
}

describe('a host known by keys of other types', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let rsa: TestKeyPair;
  let rsaFingerprint: string;
  let case_ = 0;
  const servers: TestSshd[] = [];
  const caseDir = async (): Promise<string> => {
    const dir = path.join(tmp.dir, `case-${++case_}`);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  const start = async (options: Parameters<typeof startSshd>[0]): Promise<TestSshd> => {
    const sshd = await startSshd(options);
    servers.push(sshd);
    return sshd;
  };
  /** A known_hosts line for `[127.0.0.1]:<port>` with the RSA host key. */
  const rsaLine = (port: number): string =>
    `[127.0.0.1]:${port} ${rsa.keyType} ${rsa.publicKeyBlob.toString('base64')}`;

  beforeAll(async () => {
    tmp = await tempDir('periscope-hostkey-types-');
    rsa = await generateKeyPair(tmp.dir, 'rsa_host_key', 'rsa');
    rsaFingerprint = await keygenFingerprint(rsa.publicKeyPath);
  });
  afterAll(async () => {
    for (const sshd of servers) await sshd.stop();
    await tmp?.remove();
  });

  it('a server that came back with only ed25519 is asked about, naming the recorded RSA key; accepting records it beside that key', async () => {
    const dir = await caseDir();
    const rsaServer = await start({ hostKeyPath: rsa.privateKeyPath });
    expect(rsaServer.hostKeyType).toBe('ssh-rsa');
    const first = policyIn(dir, true);
    await (await connectTo(rsaServer, first)).close(); // first visit: plain TOFU, RSA recorded
    expect(first.asked.mock.calls[0]?.[0].otherKnownKeys).toBeUndefined();
    await rsaServer.stop();

    const edServer = await start({ port: rsaServer.port }); // same address, only an ed25519 key
    const second = policyIn(dir, true);
    await (await connectTo(edServer, second)).close();
    expect(second.asked).toHaveBeenCalledTimes(1);
    expect(second.asked.mock.calls[0]?.[0]).toEqual({
      host: '127.0.0.1',
      port: edServer.port,
      keyType: 'ssh-ed25519',
      fingerprint: await keygenFingerprint(`${edServer.hostKeyPath}.pub`),
      otherKnownKeys: [
        {
          keyType: 'ssh-rsa',
          fingerprint: rsaFingerprint,
          file: first.trustedHostsFile,
          line: 1,
        },
      ],
    });
    expect(await readFile(first.trustedHostsFile, 'utf8')).toBe(
      `${rsaLine(edServer.port)}\n${edServer.knownHostsLine()}\n`,
    );

    const third = policyIn(dir);
    await (await connectTo(edServer, third)).close();
    expect(third.asked).not.toHaveBeenCalled();
  });

  it('declining refuses with host-key-rejected, names the recorded key, and records nothing', async () => {
    const dir = await caseDir();
    const edServer = await start({});
    const knownHosts = path.join(dir, 'known_hosts');
    await writeFile(knownHosts, `# old key\n${rsaLine(edServer.port)}\n`);
    const policy = policyIn(dir, false);
    const error = await connectTo(edServer, policy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).code).toBe('host-key-rejected');
    expect((error as SshError).message).toBe(
      `the host key of [127.0.0.1]:${edServer.port} (ssh-ed25519 ${await keygenFingerprint(`${edServer.hostKeyPath}.pub`)}) was not accepted; keys of other types are recorded for it: ssh-rsa in ${knownHosts} line 2`,
    );
    expect(policy.asked).toHaveBeenCalledTimes(1);
    await expect(readFile(policy.trustedHostsFile)).rejects.toThrow(/ENOENT/);
  });

  it('a server holding both keys is not asked about: the recorded RSA type is preferred', async () => {
    const dir = await caseDir();
    const both = await start({ extraConfig: [`HostKey ${rsa.privateKeyPath}`] });
    await writeFile(path.join(dir, 'known_hosts'), `${rsaLine(both.port)}\n`);
    const policy = policyIn(dir);
    await (await connectTo(both, policy)).close();
    expect(policy.asked).not.toHaveBeenCalled();
  });

  describe('through the relay, with the RSA key in a system-wide file', () => {
    async function relayFor(sshd: TestSshd) {
      const dir = await caseDir();
      const home = path.join(dir, 'home');
      const dataDir = path.join(dir, 'data');
      await mkdir(dataDir, { recursive: true });
      const globalFile = path.join(dir, 'etc-ssh_known_hosts');
      const globalText = `# system-wide\n${rsaLine(sshd.port)}\n`;
      await writeFile(globalFile, globalText);
      const store = await ProfileStore.open(dataDir, { logger: silentLogger });
      const profile = await store.save({
        name: 'changed-type',
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        auth: { kind: 'key', keyPath: sshd.userKeyPath },
        python: '/usr/bin/python3',
        cwd: '',
        pathMappings: [],
        justMyCode: true,
      });
      const trusted = path.join(dataDir, 'known_hosts');
      const relay = new Backend({
        profileStore: store,
        dataDir,
        logger: silentLogger,
        knownHostsFiles: defaultKnownHostsFiles(home, trusted, [globalFile]),
      });
      return { relay, profile, globalFile, globalText, trusted };
    }

    /** A client answering every host key question with `accept`, recording the questions. */
    function answering(relay: Backend, accept: boolean) {
      const client = new RelayTestClient();
      relay.connectClient(client);
      const prompts: AppEvents['hostKey.prompt'][] = [];
      client.onHostKeyPrompt = (message: RelayMessage) => {
        if (message.type !== 'app-event' || message.event !== 'hostKey.prompt') return;
        const body = message.body as AppEvents['hostKey.prompt'];
        prompts.push(body);
        setTimeout(() => void client.app('hostKey.answer', { promptId: body.promptId, accept }), 0);
      };
      return { client, prompts };
    }

    it('declining a launch fails with host-key-rejected and the link is not retried', async () => {
      const sshd = await start({});
      const { relay, profile, globalFile, globalText } = await relayFor(sshd);
      try {
        const { client, prompts } = answering(relay, false);
        const response = await client.appRaw('session.launch', {
          profileId: profile.id,
          target: {
            kind: 'file' as const,
            path: path.resolve('test/fixtures/programs/counter.py'),
          },
          args: ['1'],
          cwd: '',
          breakpoints: [],
        });
        expect(response).toMatchObject({ ok: false, error: { code: 'host-key-rejected' } });
        await new Promise((resolve) => setTimeout(resolve, 1500)); // a retry would ask again
        expect(prompts).toHaveLength(1);
        expect(prompts[0]).toMatchObject({
          keyType: 'ssh-ed25519',
          otherKnownKeys: [
            { keyType: 'ssh-rsa', fingerprint: rsaFingerprint, file: globalFile, line: 2 },
          ],
        });
        expect(await readFile(globalFile, 'utf8')).toBe(globalText);
      } finally {
        await relay.close();
      }
    });

    it('accepting records the new key in our own file, never in the system-wide one', async () => {
      const sshd = await start({});
      const { relay, profile, globalFile, globalText, trusted } = await relayFor(sshd);
      try {
        const { client, prompts } = answering(relay, true);
        await client.app('processes.list', { profileId: profile.id });
        expect(prompts).toHaveLength(1);
        expect(prompts[0]?.otherKnownKeys).toEqual([
          { keyType: 'ssh-rsa', fingerprint: rsaFingerprint, file: globalFile, line: 2 },
        ]);
        expect(await readFile(trusted, 'utf8')).toBe(`${sshd.knownHostsLine()}\n`);
        expect(await readFile(globalFile, 'utf8')).toBe(globalText);
        await client.app('processes.list', { profileId: profile.id });
        expect(prompts).toHaveLength(1);
      } finally {
        await relay.close();
      }
    });
  });
});
