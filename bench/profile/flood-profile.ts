/**
 * Where the page's long tasks during the output flood come from (the flood figure's input p99):
 * runs the figure once with 1,000,000 lines and the page's V8 CPU profile on, then prints each
 * run of busy samples (no `(idle)` sample between them) longer than 30 ms — what a timer or a
 * key press waited behind — with its self time per function, heaviest first.
 * Run: `npm run build && node scripts/build-bench.mjs && node dist/bench/flood-profile.js`.
 */
import { outputFlood } from '../figures/output-flood.js';
import { startSshd } from '../../test/harness/sshd.js';
import type { CpuProfile } from './cpu-profile.js';

/** Busy stretches of `profile` longer than `minMs`: start (ms after the first sample), length, self times. */
function longTasks(
  profile: CpuProfile,
  minMs: number,
): { at: number; ms: number; top: [string, number][] }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Each node's entry: the frame below the root it was called from (which task it ran in).
  const parent = new Map<number, number>();
  for (const n of profile.nodes as (CpuProfile['nodes'][number] & { children?: number[] })[])
    for (const c of n.children ?? []) parent.set(c, n.id);
  const entryOf = (id: number): string => {
    let at = id;
    let path: string[] = [];
    for (;;) {
      const up = parent.get(at);
      if (up === undefined) break;
      const node = byId.get(at);
      path.unshift(node?.callFrame.functionName || '(anonymous)');
      at = up;
    }
    path = path.slice(0, 3);
    return path.join(' > ');
  };
  const found: { at: number; ms: number; top: [string, number][] }[] = [];
  let t = 0;
  let start = -1;
  let self = new Map<string, number>();
  const close = (end: number): void => {
    if (start >= 0 && end - start >= minMs)
      found.push({
        at: start,
        ms: end - start,
        top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8),
      });
    start = -1;
    self = new Map();
  };
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    t += delta;
    const node = byId.get(id);
    const name = node?.callFrame.functionName ?? '?';
    if (name === '(idle)') {
      close(t);
      return;
    }
    if (start < 0) start = t;
    const key = `${name || '(anonymous)'} (${(node?.callFrame.url ?? '').replace(/.*\//, '')}:${(node?.callFrame.lineNumber ?? 0) + 1}) in ${entryOf(id)}`;
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  close(t);
  return found;
}

const sshd = await startSshd();
try {
  const flood = await outputFlood(1_000_000, sshd, true);
  console.log(
    `output flood: ${flood.periscopeMs.toFixed(0)} ms vs ${flood.baselineMs.toFixed(0)} ms, input p99 ${flood.inputLatency.p99.toFixed(0)} ms, max ${Math.max(...[flood.inputLatency.p99]).toFixed(0)}`,
  );
  for (const task of longTasks(flood.profile, 30)) {
    console.log(`busy ${task.ms.toFixed(1)} ms at ${task.at.toFixed(0)} ms:`);
    for (const [name, ms] of task.top) console.log(`  ${ms.toFixed(1).padStart(6)} ms  ${name}`);
  }
} finally {
  await sshd.stop();
}
