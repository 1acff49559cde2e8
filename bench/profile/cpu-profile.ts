/**
 * V8 CPU profiles (Chrome DevTools Protocol `Profiler` domain) and their self time per function;
 * the events of Chromium traces.
 */

/** One node of a V8 CPU profile (Chrome DevTools Protocol, `Profiler.ProfileNode`). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/**
 * A V8 CPU profile (`Profiler.Profile`): samples are node ids, timeDeltas in µs; startTime is
 * on the same monotonic clock (µs) as a Chromium trace's `ts`.
 */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/**
 * Self time (ms) per `function (file:line)`, heaviest first; with `untilTs` (µs, the profile's
 * clock), of the samples taken before it only.
 */
export function selfTimes(profile: CpuProfile, untilTs = Infinity): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let ts = profile.startTime;
  profile.samples.forEach((id, i) => {
    ts += profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node || ts > untilTs) return;
    const file = node.callFrame.url.replace(/.*\//, '');
    const key = `${node.callFrame.functionName || '(anonymous)'} (${file}:${node.callFrame.lineNumber + 1})`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** One event of a Chromium trace (Trace Event Format): complete events (`X`) have `dur` (µs). */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}
