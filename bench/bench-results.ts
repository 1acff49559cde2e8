/** What one `npm run bench` measured: written by `run.ts`, rendered by `results-table.ts`. */
import type { ChildReadyFigure } from './figures/child-ready.js';
import type { FanOutFigure } from './figures/fan-out.js';
import type { ChurnFigure } from './figures/session-churn.js';
import type { FloodFigure } from './figures/output-flood.js';
import type { Figure } from './figures/relay-figures.js';
import type { StartFigure } from './figures/start-figure.js';
import type { FlaskCaptureFigure, SnapshotPointFigure } from './figures/snapshot-cost.js';

/** Everything a run measured. */
export interface BenchResults {
  date: string;
  machine: { cpus: number; node: string };
  repetitions: number;
  figures: Figure[];
  start?: StartFigure;
  flood?: FloodFigure;
  fanOut?: FanOutFigure;
  children?: ChildReadyFigure;
  churn?: ChurnFigure;
  /** A snapshot point's cost per hit (issue 12). */
  snapshotPoint?: SnapshotPointFigure;
  /** The capture of a Flask crash: its time and size (issue 12). */
  flaskCapture?: FlaskCaptureFigure;
  notMeasured: { figure: string; why: string }[];
}
