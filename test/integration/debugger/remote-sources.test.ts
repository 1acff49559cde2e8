/**
 * Sources that exist only on the remote machine, with a real debugpy over a real sshd: a path
 * mapping whose laptop side does not exist (debugpy maps the frames to laptop paths, the relay
 * maps them back to read the file over SFTP; breakpoints set on laptop paths are hit), and code
 * with no file at all, served by DAP `source` with a sourceReference.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { launchWorld, untilStoppedWithLocals, type DebuggerWorld } from './debugger-kit.js';

const counter = resolve('test/fixtures/programs/counter.py');
const generated = resolve('test/fixtures/programs/generated_source.py');
/** A laptop directory that does not exist: the files are only "remote". */
const LAPTOP_ROOT = '/nonexistent-laptop/checkout';

describe('remote-only sources with a real debugpy', () => {
  let sshd: TestSshd;
  let world: DebuggerWorld | undefined;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('applies path mappings both ways and reads the mapped file over SFTP', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const laptopPath = `${LAPTOP_ROOT}/counter.py`;
    const w = await launchWorld(sshd, {
      program: counter,
      args: ['3'],
      pathMappings: [{ localRoot: LAPTOP_ROOT, remoteRoot: dirname(counter) }],
      // Laptop path → remote path: debugpy maps the breakpoint.
      breakpoints: [{ path: laptopPath, lines: [14] }],
    });
    world = w;
    const view = await untilStoppedWithLocals(w, 14);
    // Remote path → laptop path: the frame names the laptop file.
    expect(view.frames[0]?.source?.path).toBe(laptopPath);
    // The laptop has no such file: the relay reads the remote file it maps to.
    const source = await w.client.app('source.read', { path: laptopPath, sessionId: w.session.id });
    expect(source.origin).toBe('remote');
    expect(source.content).toBe(await readFile(counter, 'utf8'));
    // Without a session there is nowhere to read it from: a clear error.
    const missing = await w.client.appRaw('source.read', { path: laptopPath });
    expect(!missing.ok && missing.error.code).toBe('source-not-found');
  });

  it('serves code that has no file through DAP source (sourceReference)', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const w = await launchWorld(sshd, { program: generated, justMyCode: false });
    world = w;
    const view = await untilStoppedWithLocals(w);
    const frame = view.frames[0];
    expect(frame?.name).toBe('generated');
    const ref = frame?.source?.sourceReference ?? 0;
    expect(ref).toBeGreaterThan(0);
    const response = await w.dap('source', { source: frame?.source, sourceReference: ref });
    expect(response.success).toBe(true);
    expect((response.body as DebugProtocol.SourceResponse['body']).content).toContain(
      'doubled = n * 2',
    );
  });
});
