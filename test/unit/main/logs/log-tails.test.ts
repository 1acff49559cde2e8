/**
 * A log tab whose client goes away while its `logs.open` is still under way (the first command
 * on the remote machine has not answered yet): nothing is started for it and the SSH link is
 * given back. The real-sshd cases are in test/integration/connections/log-tail-robust.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../src-main/log/logger.js';
import { LogTails, type LogTailClient } from '../../../../src-main/logs/log-tails.js';
import type { ProfileLinks } from '../../../../src-main/connect/profile-links.js';
import type { ReconnectingSsh } from '../../../../src-main/ssh/connection/reconnecting-ssh.js';

describe('LogTails', () => {
  it('undoes an open whose client went away before it finished', async () => {
    let answer!: (result: { stdout: string; stderr: string; code: number }) => void;
    const exec = vi.fn();
    const connection = {
      run: () => new Promise((resolve) => (answer = resolve)),
      exec,
    };
    const release = vi.fn(() => Promise.resolve());
    const link = { current: connection, onStatus: () => () => undefined } as unknown;
    const links = {
      acquire: () => Promise.resolve({ link: link as ReconnectingSsh, release }),
    } as unknown as ProfileLinks;
    const tails = new LogTails({ links, logger: silentLogger });
    const sendEvent = vi.fn();
    const client: LogTailClient = { id: 'c1', sendEvent };
    const opening = tails.open(
      client,
      {
        id: 'p1',
        name: 'box',
        host: 'box',
        port: 22,
        user: 'alice',
        auth: { kind: 'agent' },
        jumpHosts: [],
      },
      '/var/log/app.log',
      () => Promise.reject(new Error('not used')),
    );
    await vi.waitFor(() => expect(answer).toBeDefined());
    await tails.dropClient(client);
    answer({ stdout: '100 40\n', stderr: '', code: 0 });
    await expect(opening).rejects.toThrow(/went away/);
    expect(tails.size).toBe(0);
    expect(release).toHaveBeenCalledTimes(1);
    expect(exec).not.toHaveBeenCalled();
    expect(sendEvent).not.toHaveBeenCalled();
  });
});
