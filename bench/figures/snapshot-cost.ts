/**
 * What snapshots cost the program (issue 12).
 *
 * - *Snapshot point per hit*: `bench/programs/snapshot_loop.py` under a local debugpy with
 *   Periscope's hook and the capture module (a launch with the profile's capture on), a bare DAP
 *   client attached. The line in the loop gets a snapshot point recording every hit (limit =
 *   iterations); the baseline is a logpoint on the same line whose message is empty (`{''}`,
 *   debugpy's own cost of a logpoint, which prints nothing). Per-iteration times are measured in
 *   the program (`perf_counter`); the figure is the median iteration with each, and the added
 *   time per hit is their difference. Also measured: a hit after the limit is reached.
 * - *Flask crash*: `bench/programs/flask_crash.py` run with the capture on `PYTHONPATH`, a view
 *   failing inside Flask's whole WSGI stack; the capture's own `durationMs` and the file's size.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { attachToDebugpy } from '../../src-main/tracer/attach-handshake.js';
import { snapshotPointMessage } from '../../src-common/snapshot-point.js';
import PERISCOPE_CAPTURE from '../../src-main/remote/python/periscope_capture.py';
import CAPTURE_SITECUSTOMIZE from '../../src-main/remote/python/capture_sitecustomize.py';
import { connectBareClient, nextEvent } from '../lib/bare-client.js';
import { startLocalDebugpy } from '../lib/local-debugpy.js';
import { summarise, type Summary } from '../lib/stats.js';
import type { Figure } from './relay-figures.js';

const LOOP = resolve('bench/programs/snapshot_loop.py');
const LOOP_POINT_LINE = 13;
const FLASK_CRASH = resolve('bench/programs/flask_crash.py');

/** Most time a snapshot point may add to one hit (median), in ms. */
export const SNAPSHOT_POINT_TARGET_MS = 20;

/** The Flask crash's capture: its time and the snapshot's size. */
export interface FlaskCaptureFigure {
  /** The capture's own duration (`capture.durationMs`), ms. */
  captureMs: Summary;
  /** The snapshot file (gzip'd), bytes; the median. */
  fileBytes: number;
  /** The document before gzip, bytes; the median. */
  jsonBytes: number;
  runs: number;
}

/** The snapshot point figure: a {@link Figure} and what a hit adds, and a hit past the limit. */
export type SnapshotPointFigure = Figure & {
  /** Iteration times once the limit is reached (the logpoint still runs, records nothing). */
  overLimit: Summary;
  /** periscope median − baseline median, ms. */
  addedPerHitMs: number;
};

/** Iteration times (ms) of the loop with a logpoint of `logMessage` on its line. */
async function loopWith(logMessage: string, iterations: number, dir: string): Promise<number[]> {
  const out = join(dir, `times-${Math.random().toString(36).slice(2)}.json`);
  const debuggee = await startLocalDebugpy(LOOP, [out, String(iterations)], true, {
    capture: true,
    env: { PERISCOPE_CAPTURE_DIR: join(dir, 'ring'), PERISCOPE_CAPTURE_KEEP: '100000' },
  });
  try {
    const connection = await connectBareClient(debuggee.port);
    const terminated = nextEvent(connection, 'terminated', 120_000);
    await attachToDebugpy(connection, { name: 'bench', justMyCode: true, pathMappings: [] }, [
      { path: LOOP, breakpoints: [{ line: LOOP_POINT_LINE, logMessage }] },
    ]);
    await terminated.catch(() => undefined);
    await new Promise<void>((r) =>
      debuggee.process.exitCode !== null ? r() : debuggee.process.once('exit', () => r()),
    );
    connection.close('done');
    return JSON.parse(await readFile(out, 'utf8')) as number[];
  } finally {
    await debuggee.stop();
  }
}

/** Snapshot point per hit against an empty logpoint, `iterations` hits each (see the module comment). */
export async function snapshotPointCost(iterations: number): Promise<SnapshotPointFigure> {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-bench-snap-'));
  try {
    const baseline = await loopWith("{''}", iterations, dir);
    const every = await loopWith(
      snapshotPointMessage({ id: 'loop', limit: iterations }),
      iterations,
      dir,
    );
    const overLimit = await loopWith(
      snapshotPointMessage({ id: 'loop', limit: 1 }),
      iterations,
      dir,
    );
    const b = summarise(baseline);
    const p = summarise(every);
    const added = p.median - b.median;
    return {
      figure: 'snapshot point',
      variant: 'per hit, loopback debugpy',
      baseline: b,
      periscope: p,
      ratio: p.median / b.median,
      target: `≤ ${SNAPSHOT_POINT_TARGET_MS} ms added per hit`,
      met: added <= SNAPSHOT_POINT_TARGET_MS,
      overLimit: summarise(overLimit.slice(1)),
      addedPerHitMs: added,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const run = promisify(execFile);

/** The Flask crash's capture, `runs` times (see the module comment). */
export async function flaskCrashCapture(runs: number): Promise<FlaskCaptureFigure> {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-bench-flask-'));
  try {
    // The capture as a person installs it for a program started by hand (`snapshots.install`).
    const site = join(dir, 'capture');
    await mkdir(site);
    await writeFile(join(site, 'periscope_capture.py'), PERISCOPE_CAPTURE);
    await writeFile(join(site, 'sitecustomize.py'), CAPTURE_SITECUSTOMIZE);
    const ring = join(dir, 'ring');
    const durations: number[] = [];
    const files: number[] = [];
    const docs: number[] = [];
    for (let i = 0; i < runs; i++) {
      await run('/usr/bin/python3', [FLASK_CRASH], {
        env: { ...process.env, PYTHONPATH: site, PERISCOPE_CAPTURE_DIR: ring },
      });
    }
    for (const name of (await readdir(ring)).filter((n) => n.endsWith('.psnap.json.gz'))) {
      const bytes = await readFile(join(ring, name));
      const text = gunzipSync(bytes);
      const doc = JSON.parse(text.toString('utf8')) as { capture: { durationMs: number } };
      durations.push(doc.capture.durationMs);
      files.push((await stat(join(ring, name))).size);
      docs.push(text.length);
    }
    const median = (values: number[]): number => summarise(values).median;
    return {
      captureMs: summarise(durations),
      fileBytes: median(files),
      jsonBytes: median(docs),
      runs: durations.length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
