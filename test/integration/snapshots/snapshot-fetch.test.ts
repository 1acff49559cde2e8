/**
 * Snapshots of a profile's machine over a real sshd: the capture installed there with
 * `snapshots.install`, a program started by hand over SSH with the printed PYTHONPATH crashes
 * with nobody attached, `snapshots.fetch` brings the snapshot to the app's data directory, and
 * `snapshots.open` shows it as a read-only session: the crashing frame, its locals (a password
 * redacted), the source as it was, stepping refused. A file chosen from disk opens the same way.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../src-main/backend/backend.js';
import type { SshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { connectTo, policyIn, tempDir } from '../ssh/ssh-test-kit.js';

const APP = `def handle(n):
    password = "".join(["hun", "ter2"])  # its value is in no text
    items = list(range(n))
    return items[n]  # IndexError

handle(3)
`;

describe('snapshots of a profile machine', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let sshd: TestSshd;
  let relay: Backend;
  let profileId: string;
  let dataDir: string;
  let ssh: SshConnection;
  let client: RelayTestClient;
  const ring = (): string => join(tmp.dir, 'ring');

  beforeAll(async () => {
    tmp = await tempDir('periscope-snap-fetch-');
    sshd = await startSshd();
    const made = await loopbackRelay(tmp.dir, sshd, {
      profile: { env: [{ name: 'PERISCOPE_CAPTURE_DIR', value: join(tmp.dir, 'ring') }] },
    });
    relay = made.relay;
    profileId = made.profile.id;
    dataDir = made.dataDir;
    ssh = await connectTo(sshd, policyIn(tmp.dir));
    client = new RelayTestClient();
    relay.connectClient(client);
  }, 60_000);

  afterAll(async () => {
    await relay?.close();
    await ssh?.close();
    await sshd?.stop();
    await tmp?.remove();
  });

  it('installs the capture, fetches a hand-started program’s crash, and opens it read-only', async () => {
    const install = await client.app('snapshots.install', { profileId });
    expect(install.snapshotDirectory).toBe(ring());
    expect(install.pythonPathPrefix).toContain(`PYTHONPATH=${install.directory}`);
    const app = join(tmp.dir, 'app.py');
    await writeFile(app, APP);
    const run = await ssh.run(`${install.pythonPathPrefix}/usr/bin/python3 ${app}`);
    expect(run.stderr).toContain('IndexError');
    // The source changes after the crash: the snapshot shows the code that ran.
    await writeFile(app, '# rewritten since\n');

    const changed = client.appEvent('snapshots.changed', (b) => b.snapshots.length === 1);
    const fetched = await client.app('snapshots.fetch', { profileId });
    expect(fetched.fetched).toBe(1);
    expect(fetched.snapshots[0]).toMatchObject({
      profileId,
      kind: 'exception',
      hook: 'sys.excepthook',
      program: app,
      exception: 'IndexError: list index out of range',
    });
    await changed;
    const kept = (await readdir(join(dataDir, 'snapshots'))).filter((n) => n.endsWith('.gz'));
    expect(kept).toEqual([fetched.snapshots[0]!.id]);
    expect((await client.app('snapshots.fetch', { profileId })).fetched).toBe(0);

    const { session } = await client.app('snapshots.open', {
      snapshotId: fetched.snapshots[0]!.id,
    });
    expect(session).toMatchObject({ origin: 'snapshot', state: 'stopped' });
    const id = session.id;
    const threads = (await client.dap(id, 1, 'threads'))
      .body as DebugProtocol.ThreadsResponse['body'];
    const stack = (await client.dap(id, 2, 'stackTrace', { threadId: threads.threads[0]!.id }))
      .body as DebugProtocol.StackTraceResponse['body'];
    const top = stack.stackFrames[0]!;
    expect([top.name, top.line]).toEqual(['handle', 4]);
    const scopes = (await client.dap(id, 3, 'scopes', { frameId: top.id }))
      .body as DebugProtocol.ScopesResponse['body'];
    const locals = (
      await client.dap(id, 4, 'variables', {
        variablesReference: scopes.scopes[0]!.variablesReference,
      })
    ).body as DebugProtocol.VariablesResponse['body'];
    const byName = Object.fromEntries(locals.variables.map((v) => [v.name, v.value]));
    expect(byName['n']).toBe('3');
    expect(byName['password']).toMatch(/redacted/);
    const step = await client.dap(id, 5, 'next', { threadId: threads.threads[0]!.id });
    expect(step.success).toBe(false);
    expect(step.message).toMatch(/snapshot/);
    const source = await client.app('source.read', { path: app, sessionId: id });
    expect(source).toMatchObject({ origin: 'snapshot' });
    expect(source.content).toContain('return items[n]');
    // The kept file has no trace of the password's value.
    const bytes = await readFile(join(dataDir, 'snapshots', fetched.snapshots[0]!.id));
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(bytes).toString('utf8')).not.toContain('hunter2');
    await client.app('session.close', { sessionId: id });

    // The one line to put in a program instead works too, into the profile's ring.
    const second = join(tmp.dir, 'by_hand.py');
    await writeFile(second, `${install.line}\nraise ValueError("one line")\n`);
    await ssh.run(`/usr/bin/python3 ${second}`);
    const again = await client.app('snapshots.fetch', { profileId });
    expect(again.fetched).toBe(1);
    expect(again.snapshots[0]).toMatchObject({
      exception: 'ValueError: one line',
      program: second,
    });
  });

  it('opens a snapshot file chosen from disk, and names a file that is not one', async () => {
    const [name] = await readdir(ring());
    const data = (await readFile(join(ring(), name!))).toString('base64');
    const opened = await client.app('snapshots.openFile', { name: 'from a colleague.gz', data });
    expect(opened.snapshot.profileId).toBeNull();
    expect(opened.session.origin).toBe('snapshot');
    const bad = await client.appRaw('snapshots.openFile', {
      name: 'notes.txt',
      data: Buffer.from('hello').toString('base64'),
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(JSON.stringify(bad)).toContain('notes.txt cannot be opened: not a snapshot');
  });
});
