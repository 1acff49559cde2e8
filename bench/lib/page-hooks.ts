/**
 * Pieces the renderer profilers share: a WebSocket hook installed in the page, and the main
 * thread's self time per Chromium trace event.
 */
import type { TraceEvent } from '../profile/cpu-profile.js';

/**
 * Installed before the page's own scripts: every WebSocket message goes through
 * `window.__onWs` first, so the timeline can stamp relay messages.
 */
export const WS_HOOK = `(() => {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      super.addEventListener('message', (ev) => window.__onWs?.(ev));
    }
    send(data) {
      window.__onWsSend?.(data);
      super.send(data);
    }
  };
})();`;

/**
 * Prints the self time per trace event name on the page's main thread (`CrRendererMain`), per
 * step: what Chromium's main thread spent on script, style, layout, paint and the rest.
 */
export function printTraceSelfTimes(buffer: Buffer, steps: number): void {
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return;
  const onMain = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const stack: { end: number; name: string }[] = [];
  for (const e of onMain) {
    while (stack.length > 0 && (stack.at(-1)?.end ?? 0) <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - (e.dur ?? 0));
    self.set(e.name, (self.get(e.name) ?? 0) + (e.dur ?? 0));
    stack.push({ end: e.ts + (e.dur ?? 0), name: e.name });
  }
  console.log('main thread self time per step, by trace event (ms):');
  for (const [name, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`${(us / 1000 / steps).toFixed(2).padStart(8)}  ${name}`);
}
