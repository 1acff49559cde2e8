/**
 * `node dist/bench/churn-series.js [checkpoints…]`: the relay's memory after a full GC as
 * sessions are opened and closed (default 250 500 1000 2000 3000 cumulative), for finding
 * what, if anything, grows. `PERISCOPE_CHURN_NODE_ARGS` adds Node flags to the relay.
 */
import { sessionChurnSeries } from '../figures/session-churn.js';

const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
const checkpoints = process.argv.slice(2).map(Number);
const series = await sessionChurnSeries(
  checkpoints.length > 0 ? checkpoints : [250, 500, 1000, 2000, 3000],
  (process.env.PERISCOPE_CHURN_NODE_ARGS ?? '').split(' ').filter(Boolean),
);
for (const p of series.points)
  console.log(
    `${String(p.sessions).padStart(5)} sessions: RSS ${mib(p.rssBytes)} MiB, heap used ${mib(p.heapUsedBytes)} MiB`,
  );
console.log(
  `per live session ${(series.perLiveSessionBytes / 1024).toFixed(0)} KiB; listed ${series.listed}`,
);
