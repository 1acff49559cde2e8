/**
 * Child processes: how long a forked worker waits for the debugger. gunicorn with 3 sync workers
 * launched over the real sshd; for each worker, from its process start (`/proc/<pid>/stat`
 * starttime, 10 ms ticks) and from the moment the relay lists it (its announcement came and the
 * DAP connection is open), to its session being `running` (breakpoints set, `configurationDone`
 * and the attach answered: the worker runs on with its breakpoints in place). debugpy blocks the
 * worker until then, so this is the delay a worker's first request sees.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SessionInfo } from '../../src-common/protocol/client-protocol.js';
import { freePort } from '../../test/harness/free-port.js';
import { loopbackRelay } from '../../test/harness/loopback-relay.js';
import { RelayTestClient } from '../../test/harness/relay-test-client.js';
import type { TestSshd } from '../../test/harness/sshd.js';
import { summarise, type Summary } from '../lib/stats.js';

/** What the figure measured. */
export interface ChildReadyFigure {
  workers: number;
  /** Worker process start → its breakpoints in place, ms. */
  fromStart: Summary;
  /** Worker listed by the relay → its breakpoints in place, ms. */
  fromListed: Summary;
}

const WORKERS = 3;

/** Boot time in ms since the epoch, and the kernel's clock ticks per second (USER_HZ). */
async function clock(): Promise<{ bootMs: number; hz: number }> {
  const stat = await readFile('/proc/stat', 'utf8');
  const btime = Number(/^btime (\d+)$/m.exec(stat)?.[1] ?? 0);
  return { bootMs: btime * 1000, hz: 100 };
}

/** When process `pid` started, ms since the epoch (10 ms resolution). */
async function startedAt(pid: number, at: { bootMs: number; hz: number }): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Field 22 (starttime), counted after the ")" that ends the command name.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return at.bootMs + (Number(fields[19]) / at.hz) * 1000;
}

/** Runs gunicorn `reps` times (at least 1) and measures each of its workers. */
export async function childReady(reps: number, sshd: TestSshd): Promise<ChildReadyFigure> {
  const root = await mkdtemp(join(tmpdir(), 'periscope-bench-children-'));
  const { relay, profile } = await loopbackRelay(root, sshd);
  const at = await clock();
  const fromStart: number[] = [];
  const fromListed: number[] = [];
  try {
    for (let rep = 0; rep < Math.max(1, reps); rep++) {
      const dir = join(root, `app-${rep}`);
      await cp(resolve('test/fixtures/programs/servers'), dir, { recursive: true });
      const client = new RelayTestClient();
      relay.connectClient(client);
      const listed = new Map<string, number>();
      const ready = new Map<string, number>();
      let rootId = '';
      client.observe((message) => {
        if (message.type !== 'app-event' || message.event !== 'sessions.changed') return;
        const now = performance.timeOrigin + performance.now();
        for (const s of (message.body as { sessions: SessionInfo[] }).sessions) {
          if (s.parentId !== rootId || !rootId) continue;
          if (!listed.has(s.id)) listed.set(s.id, now);
          if (s.state === 'running' && !ready.has(s.id)) ready.set(s.id, now);
        }
      });
      const port = await freePort();
      const { session } = await client.app('session.launch', {
        profileId: profile.id,
        target: { kind: 'module', module: 'gunicorn' },
        args: ['-w', String(WORKERS), '-b', `127.0.0.1:${port}`, 'app:app'],
        cwd: dir,
        breakpoints: [{ path: join(dir, 'app.py'), breakpoints: [{ line: 8 }] }],
      });
      rootId = session.id;
      const deadline = Date.now() + 30_000;
      while (ready.size < WORKERS && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      for (const [id, readyAt] of ready) {
        const pid = relay.listSessions().find((s) => s.id === id)?.pid;
        if (pid) fromStart.push(readyAt - (await startedAt(pid, at)));
        fromListed.push(readyAt - (listed.get(id) ?? readyAt));
      }
      await client.app('session.close', { sessionId: session.id });
    }
  } finally {
    await relay.close();
    await rm(root, { recursive: true, force: true });
  }
  return { workers: WORKERS, fromStart: summarise(fromStart), fromListed: summarise(fromListed) };
}
