import { afterEach, describe, expect, it, vi } from 'vitest';
import { PrefetchGate } from '../../../../src-main/relay/prefetch-gate.js';

/** A task that records its start and finishes when told. */
function task(log: string[], name: string): { run: () => Promise<void>; finish: () => void } {
  let finish = (): void => undefined;
  return {
    run: () => {
      log.push(name);
      return new Promise<void>((done) => (finish = done));
    },
    finish: () => finish(),
  };
}

/** Lets timers, immediates and promise callbacks run. */
async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

describe('PrefetchGate', () => {
  afterEach(() => vi.useRealTimers());

  it('starts nothing in the caller’s turn, then at most `limit` tasks, oldest first', async () => {
    vi.useFakeTimers();
    const gate = new PrefetchGate(2);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((n) => task(log, n));
    for (const t of tasks) gate.run(t.run);
    expect(log).toEqual([]);
    await settle();
    expect(log).toEqual(['a', 'b']);
    tasks[1]?.finish();
    await settle();
    expect(log).toEqual(['a', 'b', 'c']);
    tasks[0]?.finish();
    tasks[2]?.finish();
    await settle();
    expect(log).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.queued).toBe(0);
  });

  it('lets the next task start when one never finishes (a tracer that does not answer)', async () => {
    vi.useFakeTimers();
    const gate = new PrefetchGate(1, 1000);
    const log: string[] = [];
    gate.run(task(log, 'frozen').run);
    gate.run(task(log, 'next').run);
    await settle();
    expect(log).toEqual(['frozen']);
    await settle(999);
    expect(log).toEqual(['frozen']);
    await settle(2);
    expect(log).toEqual(['frozen', 'next']);
  });

  it('frees the place of a task that failed', async () => {
    vi.useFakeTimers();
    const gate = new PrefetchGate(1);
    const log: string[] = [];
    gate.run(() => {
      log.push('fails');
      return Promise.reject(new Error('closed'));
    });
    gate.run(task(log, 'after').run);
    await settle();
    expect(log).toEqual(['fails', 'after']);
  });
});
