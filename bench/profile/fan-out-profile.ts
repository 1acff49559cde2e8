/**
 * `npm run bench:fan-out-profile`: where the fan-out figure's time goes in the relay's process.
 * Runs the relay side of the fan-out figure (`figures/fan-out.ts`, 50 tracers × 3 clients; `N`
 * tracers with `PERISCOPE_FANOUT_TRACERS=N`) with Node's sampling profiler on from the trigger
 * until the last client has `stopped` (`node:inspector`, `Profiler` domain), and prints the
 * stamps of the figure's breakdown, what the relay sent its clients in that window (messages and
 * bytes per kind), and the process's self time per function, heaviest first.
 * `PERISCOPE_PROFILE_OUT=F` also writes the raw profile (open it in Chromium's DevTools).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { WsClientTransport } from '../../src-main/web/ws-client-transport.js';
import { measure, measureBare } from '../figures/fan-out.js';
import { selfTimes, type CpuProfile } from './cpu-profile.js';

/** Messages and bytes the relay sent its WebSocket clients, per kind, while `counting`. */
const sent = new Map<string, { messages: number; bytes: number }>();
let counting = false;

/** Counts what goes through every client transport (wraps `WsClientTransport.send`). */
function countSends(): void {
  const proto = WsClientTransport.prototype;
  const original = proto.send; // eslint-disable-line @typescript-eslint/unbound-method
  proto.send = function (this: WsClientTransport, message: string) {
    if (counting) {
      const kind = /"(?:event|command)":"([^"]+)"/.exec(message)?.[1] ?? message.slice(0, 30);
      const entry = sent.get(kind) ?? { messages: 0, bytes: 0 };
      entry.messages += 1;
      entry.bytes += message.length;
      sent.set(kind, entry);
    }
    original.call(this, message);
  };
}

/** One bare and one relay fan-out; returns the relay's CPU profile of its window. */
async function once(tracers: number, inspector: Session): Promise<CpuProfile> {
  const bare = await measureBare(tracers);
  let profile: CpuProfile = { nodes: [], samples: [], timeDeltas: [], startTime: 0 };
  const result = await measure(tracers, 3, {
    armed: async () => {
      sent.clear();
      counting = true;
      await inspector.post('Profiler.start');
    },
    done: async () => {
      counting = false;
      profile = ((await inspector.post('Profiler.stop')) as unknown as { profile: CpuProfile })
        .profile;
    },
  });
  const s = result.stamps;
  const f = (n: number): string => n.toFixed(1);
  console.log(
    `baseline ${f(bare.ms)} ms (first stop ${f(bare.firstStop)}, last ${f(bare.lastStop)}); ` +
      `relay ${f(result.ms)} ms (first stop at the relay ${f(s.relayFirstStop)}, last ${f(s.relayLastStop)}, ` +
      `last client ${f(s.lastClientStop)}; share ${result.relayShareMs.toFixed(2)}) → ${(result.ms / bare.ms).toFixed(2)}×`,
  );
  return profile;
}

async function main(): Promise<void> {
  const tracers = Number(process.env.PERISCOPE_FANOUT_TRACERS ?? 50);
  const repeat = Number(process.env.PERISCOPE_FANOUT_REPEAT ?? 1);
  countSends();
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
  let profile: CpuProfile = { nodes: [], samples: [], timeDeltas: [], startTime: 0 };
  for (let i = 0; i < repeat; i++) profile = await once(tracers, inspector);
  inspector.disconnect();
  console.log('sent to clients in the last window, trigger to last stopped (messages, KiB):');
  for (const [kind, { messages, bytes }] of [...sent.entries()].sort(
    (a, b) => b[1].bytes - a[1].bytes,
  ))
    console.log(
      `${String(messages).padStart(8)} ${(bytes / 1024).toFixed(0).padStart(8)}  ${kind}`,
    );
  if (process.env.PERISCOPE_PROFILE_OUT)
    await writeFile(process.env.PERISCOPE_PROFILE_OUT, JSON.stringify(profile));
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  console.log(`self time in the last window (ms, of ${total.toFixed(0)} sampled):`);
  for (const [name, ms] of selfTimes(profile).slice(0, 30))
    console.log(`${ms.toFixed(1).padStart(8)}  ${name}`);
}

await main();
process.exit(0);
