// `npm run fuzz`: the hostile-input suite (test/integration/relay/hostile-input.test.ts) at length:
// 1,000,000 inputs by default, against `periscope relay` in its own process, with the real debugpy
// probe after each batch. Options (or the FUZZ_* environment variables the test reads):
//   --count N      inputs in all (FUZZ_COUNT; default 1000000)
//   --seed N       the seed (FUZZ_SEED; default random, printed)
//   --batch N      inputs per batch, each followed by the health check and probe (FUZZ_BATCH; 20000)
//   --time S       no batch starts after S seconds (FUZZ_TIME_S; default 7200)
//   --max-rss MB   the relay's RSS bound, now and at its peak (FUZZ_MAX_RSS_MB; default 600)
//   --targets T    comma list of tracer, dap, ws (FUZZ_TARGETS; default all)
// Exits with vitest's status; a failure prints the seed, the batch and the last inputs.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    time: { type: 'string' },
    'max-rss': { type: 'string' },
    targets: { type: 'string' },
  },
});
const env = {
  ...process.env,
  FUZZ_COUNT: values.count ?? process.env.FUZZ_COUNT ?? '1000000',
  FUZZ_BATCH: values.batch ?? process.env.FUZZ_BATCH ?? '20000',
  FUZZ_TIME_S: values.time ?? process.env.FUZZ_TIME_S ?? '7200',
  FUZZ_SEED: values.seed ?? process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31)),
  ...(values['max-rss'] ? { FUZZ_MAX_RSS_MB: values['max-rss'] } : {}),
  ...(values.targets ? { FUZZ_TARGETS: values.targets } : {}),
};
process.stdout.write(`periscope fuzz: seed ${env.FUZZ_SEED}, ${env.FUZZ_COUNT} inputs\n`);
const child = spawn(
  'npx',
  ['vitest', 'run', '--project', 'integration', 'test/integration/relay/hostile-input.test.ts'],
  { cwd: root, env, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
