/**
 * The preflight's ptrace verdicts for attach-by-PID (Yama's `ptrace_scope`, kernel
 * Documentation/admin-guide/LSM/Yama.rst: 0 classic, 1 restricted to descendants, 2 admin only,
 * 3 no attach). This machine's kernel has no Yama and the tests run as root, so the probe's answer
 * is scripted here; the real probe runs in test/integration/connections/preflight-attach.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PreflightResult } from '../../../../../src-common/protocol/connections.js';
import type { Profile } from '../../../../../src-common/protocol/profile.js';
import { runPreflight } from '../../../../../src-main/remote/probes/preflight.js';
import type { SshConnection } from '../../../../../src-main/ssh/connection/ssh-connection.js';

const profile = {
  id: 'p',
  name: 'box',
  host: 'box.example',
  port: 22,
  user: 'alice',
  auth: { kind: 'agent' },
  python: '/usr/bin/python3',
} as Profile;

/** Runs the preflight for attaching to pid 4242 against a probe that answers `probe`. */
async function ptraceCheck(probe: Record<string, unknown>): Promise<PreflightResult> {
  const answer = {
    python: '3.11.2',
    executable: '/usr/bin/python3',
    uid: 1000,
    debugpy: '1.6.3',
    portFree: true,
    port: 41234,
    pidAlive: true,
    gdb: '/usr/bin/gdb',
    ...probe,
  };
  const connection = {
    run: () =>
      Promise.resolve({
        stdout: `__periscope_preflight__ ${JSON.stringify(answer)}\n`,
        stderr: '',
        code: 0,
        signal: null,
      }),
    close: () => Promise.resolve(),
  } as unknown as SshConnection;
  return runPreflight(profile, { profileId: 'p', mode: 'attach-pid', pid: 4242 }, () =>
    Promise.resolve(connection),
  );
}

function ptrace(result: PreflightResult) {
  return result.checks.find((c) => c.id === 'ptrace');
}

describe('preflight: may gdb attach to the process (ptrace)', () => {
  it('passes without Yama and with ptrace_scope 0', async () => {
    expect(ptrace(await ptraceCheck({ ptraceScope: null }))).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('no Yama') as unknown,
    });
    expect(ptrace(await ptraceCheck({ ptraceScope: '0' }))?.status).toBe('ok');
  });

  it('fails scope 1 for a normal user, saying how to fix it; root passes', async () => {
    const user = await ptraceCheck({ ptraceScope: '1' });
    expect(user.ok).toBe(false);
    expect(ptrace(user)).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('only a parent process may attach') as unknown,
      fix: expect.stringContaining('sysctl -w kernel.yama.ptrace_scope=0') as unknown,
    });
    expect(ptrace(await ptraceCheck({ ptraceScope: '1', uid: 0 }))?.status).toBe('ok');
  });

  it('fails scope 2 unless root, and scope 3 even for root', async () => {
    expect(ptrace(await ptraceCheck({ ptraceScope: '2' }))).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('only root') as unknown,
    });
    expect(ptrace(await ptraceCheck({ ptraceScope: '2', uid: 0 }))?.status).toBe('ok');
    expect(ptrace(await ptraceCheck({ ptraceScope: '3', uid: 0 }))).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('disabled until the machine reboots') as unknown,
    });
  });

  it("names another user's process and a process that is gone", async () => {
    expect(
      ptrace(await ptraceCheck({ pidAlive: false, pidError: 'Operation not permitted' })),
    ).toMatchObject({ status: 'failed', fix: expect.stringContaining('another user') as unknown });
    expect(
      ptrace(await ptraceCheck({ pidAlive: false, pidError: 'No such process' })),
    ).toMatchObject({ status: 'failed', detail: 'process 4242: No such process' });
  });

  it('fails without gdb, saying how to install it', async () => {
    const result = await ptraceCheck({ gdb: null });
    expect(result.checks.find((c) => c.id === 'gdb')).toMatchObject({
      status: 'failed',
      fix: expect.stringContaining('apt install gdb') as unknown,
    });
  });
});
