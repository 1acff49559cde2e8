// What `npm start` runs after the build: the Electron app when the Electron runtime is installed,
// otherwise web mode (`node dist/periscope.js web …`), where the same UI is served to a browser.
// Extra arguments go to the app. Exits with the child's exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/**
 * The Electron binary's path, or undefined. The `electron` package's main module returns the
 * path, and throws "Electron failed to install correctly" when the binary was never downloaded.
 */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a child with inherited stdio, forwarding SIGINT/SIGTERM, and exits as it exits. */
function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
  });
}

const electron = electronBinary();
if (electron) {
  // The project directory, not dist/app/main.js: Electron then reads package.json (main,
  // productName), so the app is named Periscope and its userData directory is Periscope's.
  run(electron, [root, ...args]);
} else {
  console.log('Electron runtime not installed here; starting Periscope in web mode instead.');
  run(process.execPath, [
    fileURLToPath(new URL('../dist/periscope.js', import.meta.url)),
    'web',
    ...args,
  ]);
}
