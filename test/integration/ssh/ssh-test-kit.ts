/** Shared pieces of the SSH integration tests: temp dirs, host key policies, connect shortcuts. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import type {
  HostKeyPolicy,
  HostKeyQuestion,
} from '../../../src-main/ssh/host-keys/host-key-verifier.js';
import {
  openSshConnection,
  type SshConnection,
} from '../../../src-main/ssh/connection/ssh-connection.js';
import type { TestSshd } from '../../harness/sshd.js';

/** A temp directory removed by the returned `remove`. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A policy over explicit files in `dir` (never ~/.ssh); `answer` is what the user says; `asked` records the questions. */
export function policyIn(
  dir: string,
  answer: boolean | 'never-asked' = 'never-asked',
  knownHostsFiles: string[] = [path.join(dir, 'known_hosts')],
): HostKeyPolicy & { asked: ReturnType<typeof vi.fn<(q: HostKeyQuestion) => Promise<boolean>>> } {
  const askUser = vi.fn((_question: HostKeyQuestion): Promise<boolean> => {
    if (answer === 'never-asked') return Promise.reject(new Error('askUser must not be called'));
    return Promise.resolve(answer);
  });
  return {
    knownHostsFiles,
    trustedHostsFile: path.join(dir, 'trusted_hosts'),
    askUser,
    asked: askUser,
  };
}

/** Connects to the test sshd with its user key. */
export function connectTo(
  sshd: TestSshd,
  policy: HostKeyPolicy,
  keyPath = sshd.userKeyPath,
): Promise<SshConnection> {
  return openSshConnection(
    { host: sshd.host, port: sshd.port, user: sshd.user, auth: { kind: 'key', keyPath } },
    policy,
    { readyTimeoutMs: 10_000 },
  );
}
