/**
 * A fuzz run against one relay process: batches of hostile input at the tracer port, a session's
 * DAP endpoint and the client WebSocket, all three at once; after each batch the relay must be
 * well (`relay-health.ts`: running, no bug in its log, RSS under a bound) and a real debugpy
 * session on it must still step (`debugpy-probe.ts`). Bounded by a count of inputs and by time.
 * On the first failure it throws a {@link FuzzFailure} naming the seed, the batch and the inputs
 * each target sent last.
 */
import type { RelayProcess } from '../harness/relay-process.js';
import { FuzzBudget } from './fuzz-budget.js';
import { FuzzObserver, type ListedSession } from './fuzz-observer.js';
import { probeDebugpy } from './debugpy-probe.js';
import { readProcess, relayProblem, type RelayReading } from './relay-health.js';
import { DapEndpointTarget } from './targets/dap-endpoint-target.js';
import { TracerPortTarget } from './targets/tracer-port-target.js';
import type { FuzzTarget, TargetStats } from './targets/target-types.js';
import { WebSocketTarget } from './targets/websocket-target.js';
import { sendKnownInputs } from './targets/known-inputs.js';
import type { SentInput } from './fuzz-peer.js';

/** Options of {@link runCampaign}. */
export interface CampaignOptions {
  seed: number;
  /** Inputs in all (the run stops early at `timeLimitMs`). */
  count: number;
  /** Inputs per batch (a health check and a probe follow each). */
  batchSize: number;
  /** Wall time after which no new batch starts, in ms. */
  timeLimitMs: number;
  /** RSS the relay must stay under, in MB. */
  maxRssMb: number;
  /** Chance that a DAP frame's framing is broken. */
  pBrokenFrame: number;
  /** Whether to start with the known hostile inputs (`targets/known-inputs.ts`; default true). */
  knownInputs?: boolean;
  /** Which targets to fuzz (default all). */
  targets?: TargetName[];
  /** Told one line per batch. */
  progress?: (line: string) => void;
}

/** What a run did. */
export interface CampaignReport {
  seed: number;
  inputs: number;
  batches: number;
  ms: number;
  perTarget: Record<string, TargetStats>;
  /** The relay before the first batch and after the last. */
  before: RelayReading;
  after: RelayReading;
  /** Sessions the relay lists at the end (ended ones included). */
  sessionsListed: number;
  /** Slowest liveness probe, in ms. */
  slowestProbeMs: number;
}

/** A run found the relay unwell: everything needed to reproduce it. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
  constructor(
    readonly seed: number,
    readonly batch: number,
    readonly problem: string,
    readonly recent: Record<string, unknown[]>,
  ) {
    super(
      `fuzzing found a problem (seed ${seed}, batch ${batch}; rerun with FUZZ_SEED=${seed}): ${problem}\n` +
        `last inputs per target:\n${JSON.stringify(recent, null, 1).slice(0, 20_000)}`,
    );
  }
}

/** The targets, each with its share of a batch: half at the tracer port, a quarter at each other. */
const TARGETS = {
  tracer: { share: 2, make: (): FuzzTarget => new TracerPortTarget() },
  dap: { share: 1, make: (): FuzzTarget => new DapEndpointTarget() },
  ws: { share: 1, make: (): FuzzTarget => new WebSocketTarget() },
} as const;

/** A target's name in {@link CampaignOptions.targets}. */
export type TargetName = keyof typeof TARGETS;

/** Runs the campaign on `relay` (see the module comment). */
export async function runCampaign(
  relay: RelayProcess,
  options: CampaignOptions,
): Promise<CampaignReport> {
  const started = Date.now();
  const probePids = new Set<number>();
  const isProbe = (s: ListedSession | undefined): boolean =>
    s?.pid !== undefined && probePids.has(s.pid);
  const observer = await FuzzObserver.open(relay.clientPort, relay.token, isProbe);
  const chosen = options.targets ?? (Object.keys(TARGETS) as TargetName[]);
  const targets = chosen.map((name) => TARGETS[name].make());
  const totalShare = chosen.reduce((sum, name) => sum + TARGETS[name].share, 0);
  const shares = chosen.map((name) => TARGETS[name].share / totalShare);
  const perTarget: Record<string, TargetStats> = {};
  const nextIndex = targets.map(() => 0);
  const context = {
    relay,
    observer,
    seed: options.seed,
    isProtectedId: (id: string) => isProbe(observer.byId(id)),
    pBrokenFrame: options.pBrokenFrame,
  };
  const before = await readProcess(relay.child.pid ?? 0);
  let inputs = 0;
  let batch = 0;
  let slowestProbeMs = 0;
  const known: SentInput[] = [];
  const fail = (problem: string): never => {
    throw new FuzzFailure(
      options.seed,
      batch,
      problem,
      Object.fromEntries<unknown[]>([
        ['known inputs', known],
        ...targets.map((t): [string, unknown[]] => [t.name, t.recent()]),
      ]),
    );
  };
  try {
    if (options.knownInputs !== false) {
      try {
        const stats = await sendKnownInputs(context, (input) => known.push(input));
        perTarget['known inputs'] = stats;
        inputs += stats.inputs;
      } catch (error) {
        const after = await relayProblem(relay, options.maxRssMb);
        fail(
          `sending the known inputs failed: ${String(error)}${after.problem ? `; ${after.problem}` : ''}`,
        );
      }
    }
    while (inputs < options.count && Date.now() - started < options.timeLimitMs) {
      const size = Math.min(options.batchSize, options.count - inputs);
      const budgets = targets.map(
        (_, i) => new FuzzBudget(Math.round(size * (shares[i] ?? 0)), nextIndex[i] ?? 0),
      );
      let stats: TargetStats[];
      try {
        stats = await Promise.all(
          targets.map((t, i) => t.runBatch(context, batch, budgets[i] as FuzzBudget)),
        );
      } catch (error) {
        // A target cannot go on (a connection refused: the relay may have died under it).
        const after = await relayProblem(relay, options.maxRssMb);
        return fail(
          `a fuzz target failed: ${String(error)}${after.problem ? `; ${after.problem}` : ''}`,
        );
      }
      targets.forEach((t, i) => {
        const s = stats[i] as TargetStats;
        const total = (perTarget[t.name] ??= { inputs: 0, connections: 0, dropped: 0 });
        total.inputs += s.inputs;
        total.connections += s.connections;
        total.dropped += s.dropped;
        nextIndex[i] = (nextIndex[i] ?? 0) + s.inputs + 1000;
        inputs += s.inputs;
      });
      const health = await relayProblem(relay, options.maxRssMb);
      if (health.problem) fail(health.problem);
      if (!observer.open) fail('the relay dropped the well-behaved observer client');
      let probeMs: number;
      try {
        probeMs = (
          await probeDebugpy(relay, (pid) => {
            probePids.add(pid);
          })
        ).ms;
      } catch (error) {
        const after = await relayProblem(relay, options.maxRssMb);
        return fail(
          `the debugpy probe failed: ${String(error)}${after.problem ? `; ${after.problem}` : ''}`,
        );
      }
      slowestProbeMs = Math.max(slowestProbeMs, probeMs);
      options.progress?.(
        `batch ${batch}: ${inputs} inputs, ${Math.round((Date.now() - started) / 1000)} s, RSS ${health.reading?.rssMb ?? '?'} MB (peak ${health.reading?.peakRssMb ?? '?'}), ` +
          `fds ${health.reading?.fds ?? '?'}, ${observer.listed} sessions listed, probe ${probeMs} ms`,
      );
      batch++;
    }
    const after = await readProcess(relay.child.pid ?? 0);
    return {
      seed: options.seed,
      inputs,
      batches: batch,
      ms: Date.now() - started,
      perTarget,
      before,
      after,
      sessionsListed: observer.listed,
      slowestProbeMs,
    };
  } finally {
    observer.close();
  }
}
