/**
 * Soak (issue 17, bounded memory): `periscope relay` in its own process takes 1,000 dialled-in
 * sessions — each sends 64 KiB of output and leaves an unfinished 1 MiB frame behind, the worst a
 * peer can strand — and 1,000 client connections. Before, every ended session kept its output ring
 * and its frame buffer for ever (≈ 1.1 GB here) and `sessions.list` grew with each. Now the relay's
 * RSS and open file descriptors stay flat within the margins below, and the list holds at most
 * `--max-ended-sessions` ended sessions.
 *
 * The tracers are protocol-level stand-ins (`HostileTracer` answering every request): what is
 * measured is the relay's own bookkeeping, which a real debugpy would only make slower to reach.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCli,
  startRelayProcess,
  type AppSocket,
  type BuiltCli,
  type RelayProcess,
} from '../../harness/relay-process.js';
import { HostileTracer } from '../../fixtures/hostile-tracer.js';

/** RSS may grow this much from the warmed-up relay to the end of the soak, in bytes. */
const RSS_MARGIN_BYTES = 64 * 1024 * 1024;
/** Open file descriptors may differ this much (sockets closing lazily). */
const FD_MARGIN = 8;
const MAX_ENDED = 20;
const OUTPUT = 'y'.repeat(1023) + '\n';

let built: BuiltCli;
let relay: RelayProcess;

beforeAll(async () => {
  built = await buildCli();
  relay = await startRelayProcess(built, [
    '--log-level',
    'error',
    '--max-ended-sessions',
    String(MAX_ENDED),
    '--max-tracers',
    '64',
  ]);
});

afterAll(async () => {
  await relay?.stop();
  await built?.dispose();
});

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** One session: dial in, handshake, 64 KiB of output, an unfinished 1 MiB frame, leave. */
async function oneSession(): Promise<void> {
  const tracer = await HostileTracer.dial(relay.tracerPort, () => ({}));
  await tracer.waitForCommand('configurationDone');
  for (let i = 0; i < 64; i++) tracer.event('output', { category: 'stdout', output: OUTPUT });
  tracer.raw(`Content-Length: ${1024 * 1024}\r\n\r\n`);
  tracer.raw(Buffer.alloc(1024 * 1024 - 1, 0x20));
  await new Promise((r) => setTimeout(r, 20));
  await tracer.end();
}

async function oneClient(): Promise<void> {
  const client = await relay.connectClient();
  const reply = await client.app('sessions.list');
  expect(reply.ok).toBe(true);
  client.close();
}

async function inBatches(total: number, width: number, task: () => Promise<void>): Promise<void> {
  for (let done = 0; done < total; done += width) {
    await Promise.all(Array.from({ length: Math.min(width, total - done) }, task));
  }
}

async function listed(client: AppSocket): Promise<{ state: string }[]> {
  const reply = await client.app('sessions.list');
  return (reply.result as { sessions: { state: string }[] }).sessions;
}

async function settledList(): Promise<{ state: string }[]> {
  const client = await relay.connectClient();
  try {
    for (let i = 0; i < 200; i++) {
      const sessions = await listed(client);
      if (sessions.every((s) => s.state === 'ended')) return sessions;
      await new Promise((r) => setTimeout(r, 50));
    }
    return listed(client);
  } finally {
    client.close();
  }
}

describe('relay soak', () => {
  it('1,000 sessions and 1,000 clients later, RSS and fds are flat and the list is bounded', async () => {
    const pid = relay.child.pid as number;
    // Warm up: the code paths run once, the heap reaches its working size.
    await inBatches(100, 10, oneSession);
    await inBatches(100, 10, oneClient);
    await settledList();
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = rssBytes(pid);
    const fdsBefore = openFds(pid);

    await inBatches(1000, 10, oneSession);
    await inBatches(1000, 10, oneClient);
    const sessions = await settledList();
    await new Promise((r) => setTimeout(r, 500));
    const rssAfter = rssBytes(pid);
    const fdsAfter = openFds(pid);

    console.log(
      `soak: RSS ${(rssBefore / 1048576).toFixed(1)} MiB -> ${(rssAfter / 1048576).toFixed(1)} MiB, fds ${fdsBefore} -> ${fdsAfter}, sessions listed ${sessions.length}`,
    );
    expect(relay.alive()).toBe(true);
    expect(sessions.length).toBeLessThanOrEqual(MAX_ENDED);
    expect(rssAfter - rssBefore).toBeLessThan(RSS_MARGIN_BYTES);
    expect(Math.abs(fdsAfter - fdsBefore)).toBeLessThanOrEqual(FD_MARGIN);
  }, 240_000);
});
