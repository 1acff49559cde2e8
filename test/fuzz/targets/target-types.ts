/**
 * What every fuzz target shares: the context of the run (the relay, the observer client, the
 * seed), what one batch of a target did, and the inputs it sent last (for a failure report).
 */
import type { RelayProcess } from '../../harness/relay-process.js';
import type { FuzzBudget } from '../fuzz-budget.js';
import type { SentInput } from '../fuzz-peer.js';
import type { FuzzObserver } from '../fuzz-observer.js';

/** The run a target is part of. */
export interface FuzzContext {
  relay: RelayProcess;
  observer: FuzzObserver;
  seed: number;
  /** Session ids the fuzzers must leave alone (the liveness probe's). */
  isProtectedId: (id: string) => boolean;
  /** Chance that a DAP frame's framing is broken (each broken one costs a connection). */
  pBrokenFrame: number;
}

/** What a target did in one batch. */
export interface TargetStats {
  inputs: number;
  connections: number;
  /** Connections the relay dropped after a broken input, as it should. */
  dropped: number;
}

/** A target's last inputs, newest last, per connection still remembered. */
export type RecentInputs = SentInput[];

/** One fuzz target: runs a batch of `budget` inputs. */
export interface FuzzTarget {
  readonly name: string;
  runBatch(context: FuzzContext, batch: number, budget: FuzzBudget): Promise<TargetStats>;
  /** The last inputs it sent (for the report when the relay is found unwell). */
  recent(): RecentInputs;
}

/** Lets the relay run between bursts of input (and the peers read its answers). */
export function yieldToIo(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
