/**
 * Waits for the machine to settle between figures: the processes a figure started (a gunicorn
 * and its workers, debugpy adapters, a browser) may still be ending when the next figure starts,
 * and on 2 cores that lands on whichever side of the next figure runs first. Linux only
 * (`/proc/stat`, proc(5)); elsewhere it returns at once.
 */
import { readFile } from 'node:fs/promises';

/** What {@link settle} saw: the idle share of the last window (0–1), and how long it waited, ms. */
export interface Settled {
  idle: number;
  waitedMs: number;
}

/** Total and idle jiffies of all CPUs (the `cpu` line of /proc/stat: idle + iowait). */
async function cpuTimes(): Promise<{ total: number; idle: number } | undefined> {
  const stat = await readFile('/proc/stat', 'utf8').catch(() => undefined);
  const line = stat?.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  return { total, idle: (values[3] ?? 0) + (values[4] ?? 0) };
}

/**
 * Resolves once the CPUs were at least `minIdle` idle (0–1, default 0.8) over a `windowMs`
 * window (default 250 ms), or after `maxMs` (default 10,000 ms) whatever the load.
 */
export async function settle(minIdle = 0.8, windowMs = 250, maxMs = 10_000): Promise<Settled> {
  const start = Date.now();
  let idle = 1;
  for (;;) {
    const a = await cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const b = await cpuTimes();
    if (!a || !b || b.total === a.total) return { idle, waitedMs: Date.now() - start };
    idle = (b.idle - a.idle) / (b.total - a.total);
    if (idle >= minIdle || Date.now() - start >= maxMs)
      return { idle, waitedMs: Date.now() - start };
  }
}
