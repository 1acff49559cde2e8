import { defineConfig, type Plugin } from 'vitest/config';

/**
 * `import source from './helper.py'` gives the file's text, as esbuild's `.py` text loader does
 * in the build (`scripts/build-main.mjs`), so tests run the same remote helpers the app ships.
 */
function pythonAsText(): Plugin {
  return {
    name: 'periscope-python-as-text',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('.py')) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [pythonAsText()],
  test: {
    projects: [
      {
        plugins: [pythonAsText()],
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        plugins: [pythonAsText()],
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/electron/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real sshd and debugpy processes: keep files serial so two cores are not oversubscribed.
          fileParallelism: false,
        },
      },
    ],
  },
});
