/**
 * `node dist/bench/relay-profile.js` (after `node scripts/build-bench.mjs`): where a `stackTrace`
 * round trip's time goes, per hop, in the relay overhead figure (`figures/relay-figures.ts`).
 * Stamps every socket write (`net.Socket` `_writeGeneric`, the call that reaches libuv: before and
 * after it, so the write's own cost shows), every `data` event of the process, and the entry of
 * the relay's steps (its client message, the DAP request, the tracer's answer, the send to the
 * client); for each of the bare client, the relay and the `ws` echo it prints the median round trip
 * and the median time before each stamp (µs): the relay's own work apart from the sockets' and
 * the tracer's. Environment:
 * - `PERISCOPE_RELAY_TRIPS` round trips of each (default 2000), after `PERISCOPE_RELAY_WARMUP`
 *   unmeasured ones (default 50); `5` and `40` are the figure's own regime, where the relay's code
 *   has not yet been compiled by the JIT;
 * - `PERISCOPE_RELAY_ALTERNATE=0`: all trips of one kind, then the next (default: one of each in
 *   turn, as the figure measures);
 * - `PERISCOPE_RELAY_SSH=1`: through an SSH forward of the test sshd (the figure's second variant);
 * - `PERISCOPE_PROFILE_OUT=F`: also a CPU profile of relay round trips (Node's sampling profiler,
 *   `node:inspector`) written to F, its heaviest functions printed.
 */
import { Socket } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { call } from '../lib/bare-client.js';
import { bareOverSsh } from '../lib/ssh-baseline.js';
import { startSshd } from '../../test/harness/sshd.js';
import { DapConnection } from '../../src-main/dap/dap-connection.js';
import { InboundQueue } from '../../src-main/dap/inbound-queue.js';
import { RequestForwarding } from '../../src-main/relay/request-forwarding.js';
import { WsClientTransport } from '../../src-main/web/ws-client-transport.js';
import { Backend } from '../../src-main/backend/backend.js';
import { ClientHandle } from '../../src-main/backend/clients/client-handle.js';
import { startPeriscope } from '../lib/periscope-world.js';
import { startWsEcho } from '../lib/ws-echo.js';
import { summarise } from '../lib/stats.js';
import { STEPPER, STEPPER_BREAK_LINE, stepperAtBreakpoint } from '../figures/step-latency-local.js';
import { selfTimes, type CpuProfile } from './cpu-profile.js';

type Stamp = { at: number; what: string };
let stamps: Stamp[] | undefined;
let webPort = 0;

/** Names a socket by its role: the relay's side of a WebSocket, the client's, or another. */
function role(socket: Socket): string {
  if (socket.localPort === webPort) return 'relay-ws';
  if (socket.remotePort === webPort) return 'client-ws';
  return `tcp:${socket.remotePort ?? '?'}`;
}

/** Stamps every socket write and `data` event while `stamps` is set. */
function stampSockets(): void {
  const proto = Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const write = proto._writeGeneric as (...args: unknown[]) => unknown;
  proto._writeGeneric = function (this: Socket, ...args: unknown[]) {
    stamps?.push({ at: performance.now(), what: `write ${role(this)}` });
    const result = write.apply(this, args);
    stamps?.push({ at: performance.now(), what: `wrote ${role(this)}` });
    return result;
  };
  const emit = proto.emit as (...args: unknown[]) => boolean;
  proto.emit = function (this: Socket, event: unknown, ...args: unknown[]) {
    if (event === 'data') stamps?.push({ at: performance.now(), what: `read ${role(this)}` });
    return emit.call(this, event, ...args);
  };
}

/** Stamps `name` on entering each of `methods` of `proto` while `stamps` is set. */
function stampMethods(name: string, proto: object, methods: string[]): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    const original = target[method] as (...args: unknown[]) => unknown;
    target[method] = function (this: unknown, ...args: unknown[]) {
      stamps?.push({ at: performance.now(), what: `${name}.${method}` });
      return original.apply(this, args);
    };
  }
}

/** Gaps before each stamp of one kind of round trip, by position in the trip. */
class Timeline {
  private readonly gaps = new Map<string, number[]>();
  private readonly totals: number[] = [];

  constructor(
    readonly name: string,
    private readonly trip: (i: number) => Promise<void>,
  ) {}

  /** One round trip, not stamped (warm-up). */
  unmeasured(i: number): Promise<void> {
    return this.trip(i);
  }

  /** One round trip, stamped. */
  async run(i: number): Promise<void> {
    const trace: Stamp[] = [];
    stamps = trace;
    const start = performance.now();
    await this.trip(i);
    const end = performance.now();
    stamps = undefined;
    this.totals.push(end - start);
    let previous = start;
    trace.push({ at: end, what: 'resolved' });
    trace.forEach((stamp, k) => {
      const key = `${k} ${stamp.what}`;
      const list = this.gaps.get(key) ?? [];
      list.push((stamp.at - previous) * 1000);
      this.gaps.set(key, list);
      previous = stamp.at;
    });
  }

  /** Prints the median round trip and the median gap before each usual stamp, in µs. */
  print(): void {
    const n = this.totals.length;
    console.log(`${this.name}: median ${(summarise(this.totals).median * 1000).toFixed(1)} µs`);
    for (const [key, list] of this.gaps)
      if (list.length > n / 2)
        console.log(
          `  ${key.padEnd(24)} +${summarise(list).median.toFixed(1)} µs (${list.length})`,
        );
  }
}

/**
 * `n` round trips of each kind: one after the other (`alternate`, as the figure measures) or
 * all of one kind, then all of the next.
 */
async function measure(timelines: Timeline[], n: number, alternate: boolean): Promise<void> {
  const warmUp = Number(process.env.PERISCOPE_RELAY_WARMUP ?? 50);
  // Arguments no measured trip uses: the stop cache must not answer a measured one.
  for (let i = 0; i < warmUp; i++) for (const t of timelines) await t.unmeasured(1_000_000 + i);
  if (alternate) {
    for (let i = 0; i < n; i++) for (const t of timelines) await t.run(i);
  } else {
    for (const t of timelines) for (let i = 0; i < n; i++) await t.run(i);
  }
  for (const t of timelines) t.print();
}

async function main(): Promise<void> {
  const n = Number(process.env.PERISCOPE_RELAY_TRIPS ?? 2000);
  stampSockets();
  stampMethods('dap', DapConnection.prototype, ['receive', 'dispatch']);
  stampMethods('backend', Backend.prototype, ['onClientMessage']);
  stampMethods('queue', InboundQueue.prototype, ['push', 'drain']);
  stampMethods('client', ClientHandle.prototype, ['sendDap']);
  stampMethods('backend', Backend.prototype, ['onDapRequest']);
  stampMethods('forwarding', RequestForwarding.prototype, ['forward']);
  stampMethods('dap', DapConnection.prototype, ['sendRequest', 'write']);
  stampMethods('transport', WsClientTransport.prototype, ['send']);
  const sshd = process.env.PERISCOPE_RELAY_SSH === '1' ? await startSshd() : undefined;
  const base = sshd
    ? await bareOverSsh(sshd, STEPPER, STEPPER_BREAK_LINE, true)
    : await stepperAtBreakpoint(true);
  const world = await startPeriscope(STEPPER, [], STEPPER_BREAK_LINE, sshd);
  webPort = world.server.port;
  await world.client.dap(world.sessionId, 'setBreakpoints', {
    source: { path: STEPPER },
    breakpoints: [],
  });
  const echo = await startWsEcho(300);
  const args = (threadId: number, i: number): DebugProtocol.StackTraceArguments => ({
    threadId,
    startFrame: 0,
    levels: 20 + i,
  });
  try {
    const bare = (i: number): Promise<void> =>
      call(base.connection, 'stackTrace', args(base.threadId, i)).then(() => undefined);
    const relay = (i: number): Promise<void> =>
      world.client
        .dap(world.sessionId, 'stackTrace', args(world.threadId, i))
        .then(() => undefined);
    const hop = (i: number): Promise<void> =>
      echo.roundTrip(
        JSON.stringify({
          type: 'dap',
          sessionId: world.sessionId,
          message: { seq: i, type: 'request', command: 'stackTrace', arguments: args(1, i) },
        }),
      );
    const alternate = process.env.PERISCOPE_RELAY_ALTERNATE !== '0';
    await measure(
      [new Timeline('bare', bare), new Timeline('relay', relay), new Timeline('ws echo', hop)],
      n,
      alternate,
    );
    const out = process.env.PERISCOPE_PROFILE_OUT;
    if (out) {
      const inspector = new Session();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 50 });
      await inspector.post('Profiler.start');
      for (let i = 0; i < n; i++) await relay(i);
      const { profile } = (await inspector.post('Profiler.stop')) as { profile: CpuProfile };
      await writeFile(out, JSON.stringify(profile));
      for (const [fn, ms] of selfTimes(profile).slice(0, 40))
        console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${fn}`);
    }
  } finally {
    await echo.close();
    await world.close();
    await base.stop();
    await sshd?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
