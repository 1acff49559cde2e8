/**
 * Crash safety of the profile store with real processes: a writer killed with SIGKILL at random
 * moments never leaves a profiles file that fails to parse, and the next writer is not blocked
 * by the dead one's lock.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/log/logger.js';
import { migrate } from '../../../../src-main/profiles/profile-schema.js';
import { ProfileStore } from '../../../../src-main/profiles/profile-store.js';

let root: string;
let writerScript: string;

// The writer: saves ever-growing profiles as fast as it can, printing "saved" after the first.
const WRITER_SOURCE = `
import { ProfileStore } from '${join(process.cwd(), 'src-main/profiles/profile-store.ts')}';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } };
void (async () => {
const store = await ProfileStore.open(process.argv[2], { logger: silent });
let n = 0;
for (;;) {
  await store.save({
    name: 'crash-' + process.pid + '-' + n++,
    host: 'h', port: 22, user: 'u', auth: { kind: 'agent' }, python: 'python3', cwd: '',
    pathMappings: Array.from({ length: 200 }, (_, i) => ({ localRoot: '/l/' + i, remoteRoot: '/r/' + i })),
    justMyCode: true,
  });
  if (n === 1) process.stdout.write('saved\\n');
}
})();
`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'periscope-crash-'));
  const entry = join(root, 'writer-entry.ts');
  await writeFile(entry, WRITER_SOURCE);
  writerScript = join(root, 'writer.cjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: writerScript,
    logLevel: 'silent',
    nodePaths: [join(process.cwd(), 'node_modules')],
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Starts a writer, waits for its first save, lets it run `ms` more, then SIGKILLs it. */
function runAndKill(dir: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerScript, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const giveUp = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), ms));
    child.once('exit', (_code, signal) => {
      clearTimeout(giveUp);
      if (signal === 'SIGKILL' && stderr === '') resolve();
      else reject(new Error(`writer ended with ${signal}: ${stderr}`));
    });
  });
}

describe('ProfileStore under kill -9', () => {
  it('always leaves a file that parses, and later writers are never blocked', async () => {
    const dir = join(root, 'data');
    for (let round = 0; round < 25; round++) {
      await runAndKill(dir, Math.floor(Math.random() * 40));
      const text = await readFile(join(dir, 'profiles.json'), 'utf8');
      const file = migrate(JSON.parse(text));
      expect(file.profiles.length).toBeGreaterThan(round);
    }
    const entries = await readdir(dir);
    expect(entries.filter((e) => e.includes('corrupt'))).toEqual([]);
    // An in-process store still writes (a dead writer's lock is taken over).
    const store = await ProfileStore.open(dir, { logger: silentLogger });
    expect(store.recoveredFrom).toBeUndefined();
    const saved = await store.save({ ...store.list()[0]!, id: undefined, name: 'after' });
    expect(saved.name).toBe('after');
  }, 120_000);
});
