// Bundles the benchmark (bench/run.ts) for Node; packages stay external.
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: ['bench/run.ts'],
  outfile: 'dist/bench/run.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  loader: { '.py': 'text' },
});
