// Bundles the benchmark (bench/run.ts) and the profilers (bench/profile/*.ts)
// for Node; packages stay external.
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: {
    run: 'bench/run.ts',
    'step-profile': 'bench/profile/step-profile.ts',
    'churn-series': 'bench/profile/churn-series.ts',
    'big-collection-profile': 'bench/profile/big-collection-profile.ts',
    'start-profile': 'bench/profile/start-profile.ts',
    'fan-out-profile': 'bench/profile/fan-out-profile.ts',
    'relay-profile': 'bench/profile/relay-profile.ts',
    'flood-profile': 'bench/profile/flood-profile.ts',
  },
  outdir: 'dist/bench',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  loader: { '.py': 'text' },
});
