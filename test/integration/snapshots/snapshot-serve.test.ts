/**
 * `periscope snapshot serve FILE` (the built CLI) serves a snapshot that a real program wrote
 * with the capture module, and `DebugClient` (@vscode/debugadapter-testsupport) browses it as any
 * DAP client would: threads, stackTrace, scopes, variables with paging, source, evaluate; a step
 * is refused; `password` reads "redacted" and the file never held its value.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, describe, expect, it } from 'vitest';
import { runWithCapture } from '../../harness/capture-program.js';

const PROGRAM = `import os
class Order:
    def __init__(self, items):
        self.items = items
        self.me = self

def total(order, password):
    rows = [i * 2 for i in range(500)]
    cfg = {"db": {"host": "db1", "port": 5432}, "api_key": password}
    discount = 0
    return sum(order.items) / discount

def main():
    secret_value = os.environ["APP_PASSWORD"]
    try:
        total(Order([1, 2, 3]), secret_value)
    except ZeroDivisionError as error:
        raise RuntimeError("could not total the order") from error

main()
`;
const SECRET = ['hun', 'ter', '2-', 'value'].join('');

let dir = '';
let server: ChildProcess | undefined;
let dc: DebugClient | undefined;

afterEach(async () => {
  await dc?.stop().catch(() => undefined);
  dc = undefined;
  server?.kill('SIGTERM');
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts the CLI on `file`; resolves with the port it printed. */
async function serve(file: string): Promise<number> {
  if (!existsSync('dist/periscope.js')) throw new Error('build first: npm run build');
  const child = spawn(process.execPath, ['dist/periscope.js', 'snapshot', 'serve', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  return new Promise<number>((resolve, reject) => {
    let out = '';
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /DAP server: 127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`snapshot serve exited with ${code}: ${out}`)));
  });
}

describe('periscope snapshot serve', () => {
  it('serves a crash snapshot that DebugClient browses read-only', async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-snap-'));
    const { files } = await runWithCapture(dir, PROGRAM, { APP_PASSWORD: SECRET });
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(gunzipSync(await readFile(file)).toString('utf8')).not.toContain(SECRET);

    const port = await serve(file);
    dc = new DebugClient('unused', '', 'python');
    await dc.start(port);
    const init = await dc.initializeRequest({
      adapterID: 'periscope-snapshot',
      clientName: 'Test',
    });
    expect(init.body?.supportsConfigurationDoneRequest).toBe(true);
    const initialized = dc.waitForEvent('initialized');
    expect((await dc.attachRequest({})).success).toBe(true);
    await initialized;
    const stopped = dc.waitForEvent('stopped');
    const traceback = dc.waitForEvent('output', 5000);
    await dc.configurationDoneRequest();
    expect((await stopped).body).toMatchObject({ reason: 'exception', threadId: 1 });
    expect(((await traceback) as DebugProtocol.OutputEvent).body.output).toContain(
      'RuntimeError: could not total the order',
    );

    const threads = (await dc.threadsRequest()).body.threads.map((t) => t.name);
    expect(threads).toEqual([
      'MainThread (raised here)',
      'caused by: ZeroDivisionError: division by zero',
    ]);
    const stack = (await dc.stackTraceRequest({ threadId: 1 })).body;
    expect(stack.stackFrames.map((f) => f.name)).toEqual(['main', '<module>']);
    const cause = (await dc.stackTraceRequest({ threadId: 2 })).body.stackFrames;
    expect(cause.map((f) => [f.name, f.line])).toEqual([
      ['total', 11],
      ['main', 16],
    ]);
    const paged = (await dc.stackTraceRequest({ threadId: 1, startFrame: 1, levels: 1 })).body;
    expect(paged.stackFrames.map((f) => f.name)).toEqual(['<module>']);
    expect(paged.totalFrames).toBe(2);

    const totalFrame = cause[0]!;
    const scopes = (await dc.scopesRequest({ frameId: totalFrame.id })).body.scopes;
    expect(scopes.map((s) => s.name)).toEqual(['Locals', 'Exception']);
    const locals = (
      await dc.variablesRequest({ variablesReference: scopes[0]!.variablesReference })
    ).body.variables;
    const byName = new Map(locals.map((v) => [v.name, v]));
    expect(byName.get('password')?.value).toBe('redacted');
    expect(byName.get('discount')?.value).toBe('0');
    const rows = byName.get('rows')!;
    expect(rows.indexedVariables).toBe(101); // 100 recorded + the row that says what was cut
    const page = (
      await dc.variablesRequest({
        variablesReference: rows.variablesReference,
        filter: 'indexed',
        start: 10,
        count: 3,
      })
    ).body.variables;
    expect(page.map((v) => [v.name, v.value])).toEqual([
      ['10', '20'],
      ['11', '22'],
      ['12', '24'],
    ]);
    const last = (
      await dc.variablesRequest({
        variablesReference: rows.variablesReference,
        start: 100,
        count: 1,
      })
    ).body.variables;
    expect(last[0]?.value).toBe('400 more not captured (beyond the items limit)');

    const source = await dc.sourceRequest({
      source: totalFrame.source!,
      sourceReference: totalFrame.source!.sourceReference!,
    });
    expect(source.body.content.split('\n')[10]).toBe('    return sum(order.items) / discount');

    const evaluate = async (expression: string): Promise<string> =>
      (await dc!.evaluateRequest({ expression, frameId: totalFrame.id, context: 'watch' })).body
        .result;
    expect(await evaluate('cfg["db"]["port"]')).toBe('5432');
    expect(await evaluate('order.items[2]')).toBe('3');
    expect(await evaluate('cfg["api_key"]')).toBe('redacted');
    expect(await evaluate('order.me.me.items')).toBe('list(3)');
    await expect(evaluate('discount + 1')).rejects.toThrow(/names, attributes and indexes/);

    await expect(dc.nextRequest({ threadId: 1 })).rejects.toThrow(/cannot run, step or change/);
  });

  it('refuses a file that is not a snapshot, with the reason', async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-snap-'));
    const bogus = join(dir, 'not-a-snapshot.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(bogus, '{"format": "other"}'));
    await expect(serve(bogus)).rejects.toThrow(
      /not a snapshot: "format" is not "periscope.snapshot"/,
    );
  });
});
