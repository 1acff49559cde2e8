/**
 * The preflight's ptrace verdicts for attach-by-PID (Yama's `ptrace_scope`, kernel
 * Documentation/admin-guide/LSM/Yama.rst: 0 classic, 1 restricted to descendants, 2 admin only,
 * 3 no attach), and its rows for the injectors (gdb, lldb). This machine's kernel has no Yama and
 * the tests run as root, so the probes' answers are scripted here; the real probes run in
 * test/integration/connections/preflight-attach.test.ts and attach-by-pid.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PreflightResult } from '../../../../../src-common/protocol/connections.js';
import type { Profile } from '../../../../../src-common/protocol/profile.js';
import { runPreflight } from '../../../../../src-main/remote/probes/preflight.js';
import type { SshConnection } from '../../../../../src-main/ssh/connection/ssh-connection.js';
import { silentLogger } from '../../../../../src-main/log/logger.js';
import { InjectorVerdicts } from '../../../../../src-main/remote/probes/injector-verdicts.js';

const profile = {
  id: 'p',
  name: 'box',
  host: 'box.example',
  port: 22,
  user: 'alice',
  auth: { kind: 'agent' },
  python: '/usr/bin/python3',
} as Profile;

const LLDB_WORKS = [
  {
    injector: 'gdb',
    path: '/usr/bin/gdb',
    ok: false,
    kept: false,
    key: '/usr/bin/python3.11|/usr/bin/gdb',
    cause: "Couldn't write extended state status: Bad address; the test process died",
  },
  {
    injector: 'lldb',
    path: '/usr/bin/lldb',
    ok: true,
    kept: false,
    key: '/usr/bin/python3.11|/usr/bin/lldb',
    cause: '',
  },
];

/**
 * Runs the preflight for attaching to pid 4242 against a probe that answers `probe` and an
 * injector probe that finds `injectors`.
 */
async function ptraceCheck(
  probe: Record<string, unknown>,
  injectors: Record<string, unknown>[] = LLDB_WORKS,
): Promise<PreflightResult> {
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
  const injected = {
    ok: injectors.some((v) => v.ok),
    executable: '/usr/bin/python3.11',
    injectors,
  };
  const connection = {
    run: (command: string) =>
      Promise.resolve({
        stdout: command.includes('__periscope_inject__')
          ? `__periscope_inject__ ${JSON.stringify(injected)}\n`
          : `__periscope_preflight__ ${JSON.stringify(answer)}\n`,
        stderr: '',
        code: 0,
        signal: null,
      }),
    close: () => Promise.resolve(),
  } as unknown as SshConnection;
  return runPreflight(
    profile,
    { profileId: 'p', mode: 'attach-pid', pid: 4242 },
    () => Promise.resolve(connection),
    { verdicts: new InjectorVerdicts(), logger: silentLogger },
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

  it('skips the injector checks when ptrace already says no', async () => {
    const result = await ptraceCheck({ ptraceScope: '3' });
    expect(byId(result, 'gdb')?.status).toBe('skipped');
    expect(byId(result, 'lldb')?.status).toBe('skipped');
  });
});

function byId(result: PreflightResult, id: string) {
  return result.checks.find((c) => c.id === id);
}

describe('preflight: which injector works', () => {
  it('warns that gdb cannot inject here and passes because lldb does', async () => {
    const result = await ptraceCheck({});
    expect(result.ok).toBe(true);
    expect(byId(result, 'gdb')).toMatchObject({
      status: 'warning',
      detail:
        "/usr/bin/gdb cannot inject here: Couldn't write extended state status: Bad address; the test process died; lldb will be used instead",
    });
    expect(byId(result, 'lldb')).toMatchObject({
      status: 'ok',
      detail:
        '/usr/bin/lldb injects on /usr/bin/python3.11 (proved on a test process); attach will use it',
    });
  });

  it('fails when no injector works, and says what to do', async () => {
    const result = await ptraceCheck({}, [
      LLDB_WORKS[0]!,
      { injector: 'lldb', path: null, ok: false, kept: false, missing: true, cause: 'x' },
    ]);
    expect(result.ok).toBe(false);
    expect(byId(result, 'gdb')?.status).toBe('failed');
    expect(byId(result, 'lldb')).toMatchObject({
      status: 'failed',
      detail: 'not installed (not on the remote PATH)',
      fix: expect.stringContaining('sudo apt install lldb') as unknown,
    });
    expect(byId(result, 'lldb')?.fix).toContain('-m debugpy --listen 127.0.0.1:5678');
  });

  it('uses gdb where it works and does not ask for lldb', async () => {
    const result = await ptraceCheck({}, [
      { ...LLDB_WORKS[0]!, ok: true, cause: '' },
      { injector: 'lldb', path: null, ok: false, kept: false, missing: true, cause: 'x' },
    ]);
    expect(result.ok).toBe(true);
    expect(byId(result, 'gdb')?.detail).toContain('attach will use it');
    expect(byId(result, 'lldb')).toMatchObject({
      status: 'skipped',
      detail: 'not installed; not needed, gdb works',
    });
  });
});
