// Builds the Node side with esbuild (the renderer is built by Vite: `npm run build:renderer`).
//
//   src-main/app/main.ts     → dist/app/main.js      Electron main process, ESM
//   src-main/app/preload.ts  → dist/app/preload.cjs  sandboxed preload: one CommonJS file
//   src-main/cli/main.ts     → dist/periscope.js     `periscope` command (web mode, headless relay),
//                              and dist/cli/*.js: the chunks it imports when it needs them
//
// The Node outputs bundle their npm packages too: Node 20 resolves, links and compiles every file
// of an ESM package on start (zod alone is ~100 files), and one bundled file starts ~115 ms
// sooner (`node dist/periscope.js --help`, 10 alternating runs: 374 ms against 489 ms). ssh2
// stays external: it loads native addons (`.node`) by relative path; electron-builder packs it
// from node_modules.
//
// The CLI is split (esbuild's code splitting): what `periscope web` needs to print its URL is in
// dist/periscope.js, the rest in chunks loaded after it (src-main/cli/main.ts). Node reads and
// compiles a file whole: the backend's ~1 MiB then no longer stands between the process start
// and the URL (`periscope web` to its URL, 15 starts each, twice: 107 and 105 ms → 65 and 64 ms).
// Usage: node scripts/build-main.mjs [--watch]
import * as esbuild from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: 'linked',
  logLevel: 'info',
  legalComments: 'none',
  // The remote helpers (src-main/remote/python/*.py) are bundled as text.
  loader: { '.py': 'text' },
};

/**
 * zod's `locales` namespace (`z.locales`, ~350 KiB of messages in 50 languages) reduced to its
 * English, the only one Periscope uses (zod registers it itself): a fifth less for Node to read
 * and compile on every start.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: args.path,
      loader: 'js',
    }));
  },
};

/** Node outputs: one ESM file with its npm packages inside, but for the ones named here. */
const nodeBundle = {
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ESM builds first (jsonc-parser's UMD main requires its own files by computed paths).
  mainFields: ['module', 'main'],
  plugins: [zodEnglishOnly],
  // Bundled CommonJS packages call require() for Node's built-ins and read __filename (e.g.
  // write-file-atomic); ESM has neither, so the bundle defines them for its own file.
  banner: {
    js: [
      "import { createRequire as __periscopeRequire } from 'node:module';",
      "import { fileURLToPath as __periscopeFileURLToPath } from 'node:url';",
      'const require = __periscopeRequire(import.meta.url);',
      'const __filename = __periscopeFileURLToPath(import.meta.url);',
    ].join('\n'),
  },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: ['src-main/app/main.ts'],
    outfile: 'dist/app/main.js',
    ...nodeBundle,
    external: ['electron', 'ssh2'],
  },
  {
    ...common,
    entryPoints: ['src-main/app/preload.ts'],
    outfile: 'dist/app/preload.cjs',
    format: 'cjs',
    // A sandboxed preload has a browser-like environment plus a limited `require('electron')`.
    platform: 'browser',
    target: 'chrome120',
    external: ['electron'],
  },
  {
    ...common,
    entryPoints: { periscope: 'src-main/cli/main.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'cli/[name]-[hash]',
    // Less for Node to read and compile as the backend loads while the page starts (names are
    // kept, for stack traces; the source maps give the lines).
    minifyWhitespace: true,
    minifySyntax: true,
    ...nodeBundle,
    external: ['ssh2'],
    // Every output file gets the banner; the shebang only matters in the entry, and is harmless
    // in the chunks.
    banner: { js: `#!/usr/bin/env node\n${nodeBundle.banner.js}` },
  },
];

// Chunks of earlier builds (their names carry a hash) would pile up.
if (!watch) await rm(join(root, 'dist', 'cli'), { recursive: true, force: true });

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  try {
    await Promise.all(builds.map((options) => esbuild.build(options)));
  } catch {
    // esbuild has already printed the errors.
    process.exit(1);
  }
}
