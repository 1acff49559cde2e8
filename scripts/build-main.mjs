// Builds the Node side with esbuild (the renderer is built by Vite: `npm run build:renderer`).
//
//   src-main/app/main.ts     → dist/app/main.js      Electron main process, ESM
//   src-main/app/preload.ts  → dist/app/preload.cjs  sandboxed preload: one CommonJS file
//   src-main/cli/main.ts     → dist/periscope.js     `periscope` command (web mode, headless relay)
//
// npm packages stay external (`packages: 'external'`): they are installed beside the app and
// electron-builder packs them. Usage: node scripts/build-main.mjs [--watch]
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';

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

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: ['src-main/app/main.ts'],
    outfile: 'dist/app/main.js',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    external: ['electron'],
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
    entryPoints: ['src-main/cli/main.ts'],
    outfile: 'dist/periscope.js',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
  },
];

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
