/**
 * Breakpoint features against a real debugpy 1.6 (directly over TCP, attached with the relay's
 * handshake), through the renderer's own request functions: conditions, hit conditions,
 * logpoints, function breakpoints, exception filters with `exceptionInfo`, and the explanation of
 * breakpoints debugpy does not verify (wrong path mapping, no mapping, justMyCode, no code).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requestLineBreakpoints } from '../../../src-renderer/debug/breakpoint-status.js';
import {
  requestExceptionBreakpoints,
  requestExceptionInfo,
  requestFunctionBreakpoints,
} from '../../../src-renderer/debug/breakpoint-requests.js';
import { explainBreakpoint } from '../../../src-renderer/stores/breakpoints/unverified-reason.js';
import { expectSuccess } from '../../../src-renderer/debug/dap-response.js';
import { lineOf, runUnderDebugpy, type DebugpyRun } from './breakpoints-kit.js';

const PROGRAM = resolve('test/fixtures/programs/breakpoint_demo.py');
const TEXT = readFileSync(PROGRAM, 'utf8');
const LOOP = lineOf(TEXT, '# loop line');
const RAISE = lineOf(TEXT, 'raise ValueError');
const BLANK_AFTER_SQUARE = lineOf(TEXT, 'return result') + 1;

let run: DebugpyRun | undefined;
afterEach(async () => {
  await run?.stop();
  run = undefined;
});

async function topFrame(r: DebugpyRun, threadId: number): Promise<DebugProtocol.StackFrame> {
  const stack = expectSuccess<DebugProtocol.StackTraceResponse>(
    await r.request('stackTrace', { threadId, startFrame: 0, levels: 1 }),
  );
  const frame = stack.body.stackFrames[0];
  if (!frame) throw new Error('no frame');
  return frame;
}

async function evaluate(r: DebugpyRun, frameId: number, expression: string): Promise<string> {
  const response = expectSuccess<DebugProtocol.EvaluateResponse>(
    await r.request('evaluate', { expression, frameId, context: 'watch' }),
  );
  return response.body.result;
}

/** Waits for the next `stopped` after event index `from`; returns it and its top frame. */
async function nextStop(
  r: DebugpyRun,
  from: number,
): Promise<{ stop: DebugProtocol.StoppedEvent; frame: DebugProtocol.StackFrame }> {
  const stop = (await r.waitFor('stopped', () => true, from)) as DebugProtocol.StoppedEvent;
  const frame = await topFrame(r, stop.body.threadId ?? 0);
  return { stop, frame };
}

async function resume(r: DebugpyRun, threadId: number): Promise<number> {
  const mark = r.events.length;
  expectSuccess(await r.request('continue', { threadId }));
  return mark;
}

describe('line breakpoints with options (real debugpy)', () => {
  it('condition: stops only when the expression is true', async () => {
    run = await runUnderDebugpy(PROGRAM, {
      args: ['4'],
      breakpoints: [{ path: PROGRAM, breakpoints: [{ line: LOOP, condition: 'i == 3' }] }],
    });
    const first = run.attached.breakpoints[0]?.response
      .body as DebugProtocol.SetBreakpointsResponse['body'];
    expect(first.breakpoints[0]?.verified).toBe(true);
    const { stop, frame } = await nextStop(run, 0);
    expect(stop.body.reason).toBe('breakpoint');
    expect(frame.line).toBe(LOOP);
    expect(await evaluate(run, frame.id, 'i')).toBe('3');
    const mark = await resume(run, stop.body.threadId ?? 0);
    // i == 3 happens once; the next stop is the uncaught exception at the end (count 4 > 3).
    const after = await nextStop(run, mark);
    expect(after.stop.body.reason).toBe('exception');
  });

  it('hit conditions as debugpy accepts them: N, >=N and %N', async () => {
    run = await runUnderDebugpy(PROGRAM, {
      args: ['3'],
      breakpoints: [{ path: PROGRAM, breakpoints: [{ line: LOOP, hitCondition: '2' }] }],
    });
    const nth = await nextStop(run, 0);
    expect(await evaluate(run, nth.frame.id, 'i')).toBe('2');
    await run.stop();

    run = await runUnderDebugpy(PROGRAM, {
      args: ['5'],
      breakpoints: [{ path: PROGRAM, breakpoints: [{ line: LOOP, hitCondition: '%2' }] }],
    });
    let { stop, frame } = await nextStop(run, 0);
    expect(await evaluate(run, frame.id, 'i')).toBe('2');
    let mark = await resume(run, stop.body.threadId ?? 0);
    ({ stop, frame } = await nextStop(run, mark));
    expect(await evaluate(run, frame.id, 'i')).toBe('4');
    // Replaced from the renderer's request function while stopped: a new breakpoint, ">=1".
    const statuses = await requestLineBreakpoints(run.request, PROGRAM, [
      { line: LOOP + 1, hitCondition: '>=1' },
    ]);
    expect(statuses).toMatchObject([{ line: LOOP + 1, verified: true }]);
    mark = await resume(run, stop.body.threadId ?? 0);
    ({ frame } = await nextStop(run, mark));
    expect(frame.line).toBe(LOOP + 1);
    expect(await evaluate(run, frame.id, 'i')).toBe('4');
  });

  it('logpoint: interpolates {expressions} into output events and never stops', async () => {
    run = await runUnderDebugpy(PROGRAM, {
      args: ['3'],
      breakpoints: [
        { path: PROGRAM, breakpoints: [{ line: LOOP, logMessage: 'i={i} square={square(i)}' }] },
      ],
    });
    await run.waitFor('terminated');
    const logged = run.events
      .filter((e) => e.event === 'output')
      .map((e) => (e as DebugProtocol.OutputEvent).body)
      .filter((b) => b.output.includes('square='));
    expect(logged.map((b) => b.output.trim())).toEqual([
      'i=1 square=1',
      'i=2 square=4',
      'i=3 square=9',
    ]);
    // debugpy 1.6 sends logpoint output with category stdout.
    expect(logged[0]?.category).toBe('stdout');
    expect(run.events.some((e) => e.event === 'stopped')).toBe(false);
  });
});

describe('function and exception breakpoints (real debugpy)', () => {
  it('function breakpoint: stops on entry of the named function', async () => {
    run = await runUnderDebugpy(PROGRAM, {
      args: ['3'],
      breakpoints: [{ path: PROGRAM, breakpoints: [{ line: LOOP }] }],
    });
    const first = await nextStop(run, 0);
    // Sent while the program runs a session, as the Breakpoints panel does; the line one removed.
    const statuses = await requestFunctionBreakpoints(run.request, [{ name: 'square' }]);
    expect(statuses).toEqual([{ name: 'square', verified: true }]);
    await requestLineBreakpoints(run.request, PROGRAM, []);
    const mark = await resume(run, first.stop.body.threadId ?? 0);
    const { stop, frame } = await nextStop(run, mark);
    expect(stop.body.reason).toBe('function breakpoint');
    expect(frame.name).toBe('square');
    expect(await evaluate(run, frame.id, 'n')).toBe('1');
  });

  it('function breakpoints given at launch are in place before the program runs', async () => {
    run = await runUnderDebugpy(PROGRAM, {
      args: ['3'],
      functionBreakpoints: [{ name: 'check' }],
    });
    const { frame } = await nextStop(run, 0);
    expect(frame.name).toBe('check');
  });

  it('exception filters: raised, then uncaught, with exceptionInfo', async () => {
    run = await runUnderDebugpy(PROGRAM, { args: ['1'] });
    const caps = run.attached.capabilities;
    expect(caps.exceptionBreakpointFilters?.map((f) => f.filter)).toEqual([
      'raised',
      'uncaught',
      'userUnhandled',
    ]);
    expect(caps.supportsExceptionInfoRequest).toBe(true);
    await run?.stop();

    run = await runUnderDebugpy(PROGRAM, { args: ['5'], exceptionFilters: ['raised'] });
    const first = await nextStop(run, 0);
    let stop = first.stop;
    expect(stop.body.reason).toBe('exception');
    expect(first.frame.line).toBe(RAISE);
    const threadId = stop.body.threadId ?? 0;
    const raised = await requestExceptionInfo(run.request, threadId);
    expect(raised).toMatchObject({
      typeName: 'ValueError',
      message: 'value 5 is too big',
      breakMode: 'always',
    });
    expect(raised.stackTrace).toContain('check(5)');
    // Only uncaught from now on: the caught one is not reported again, the final one is.
    expect(await requestExceptionBreakpoints(run.request, ['uncaught'])).toBeNull();
    const mark = await resume(run, threadId);
    stop = (await nextStop(run, mark)).stop;
    expect(stop.body.reason).toBe('exception');
    const uncaught = await requestExceptionInfo(run.request, stop.body.threadId ?? 0);
    expect(uncaught).toMatchObject({ typeName: 'ValueError', breakMode: 'unhandled' });
    expect(uncaught.stackTrace).toContain('check(count)');
    expect(run.stdout()).toContain('caught the first error');
  });
});

describe('unverified breakpoints explained (real debugpy)', () => {
  let dir: string;
  let laptop: string;
  let remote: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'periscope-bp-'));
    laptop = join(dir, 'laptop', 'proj');
    remote = join(dir, 'srv', 'app');
    mkdirSync(laptop, { recursive: true });
    mkdirSync(remote, { recursive: true });
    copyFileSync(PROGRAM, join(laptop, 'breakpoint_demo.py'));
    copyFileSync(PROGRAM, join(remote, 'breakpoint_demo.py'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('wrong path mapping: names the missing remote file; the offered mapping makes it stop', async () => {
    const laptopFile = join(laptop, 'breakpoint_demo.py');
    const remoteFile = join(remote, 'breakpoint_demo.py');
    const wrong = [{ localRoot: laptop, remoteRoot: join(dir, 'wrong') }];
    run = await runUnderDebugpy(remoteFile, { args: ['3'], pathMappings: wrong });
    const [status] = await requestLineBreakpoints(run.request, laptopFile, [LOOP]);
    expect(status).toMatchObject({
      verified: false,
      message: 'Breakpoint in file that does not exist.',
    });
    const explanation = explainBreakpoint(laptopFile, LOOP, status!, {
      mappings: wrong,
      programPath: remoteFile,
    });
    expect(explanation?.kind).toBe('remote-file-missing');
    expect(explanation?.text).toContain(join(dir, 'wrong', 'breakpoint_demo.py'));
    const fix = explanation?.fixes[0];
    expect(fix).toEqual({
      kind: 'set-mapping',
      mapping: { localRoot: laptop, remoteRoot: remote },
      replaceIndex: 0,
    });
    await run.stop();

    // Relaunch with the fix applied: verified, and it stops there.
    if (fix?.kind !== 'set-mapping') throw new Error('expected a mapping fix');
    run = await runUnderDebugpy(remoteFile, {
      args: ['3'],
      pathMappings: [fix.mapping],
      breakpoints: [{ path: laptopFile, breakpoints: [{ line: LOOP }] }],
    });
    const body = run.attached.breakpoints[0]?.response
      .body as DebugProtocol.SetBreakpointsResponse['body'];
    expect(body.breakpoints[0]?.verified).toBe(true);
    const { frame } = await nextStop(run, 0);
    expect(frame.line).toBe(LOOP);
  });

  it('no mapping covers a laptop path the remote machine does not have', async () => {
    run = await runUnderDebugpy(join(remote, 'breakpoint_demo.py'), { args: ['3'] });
    const laptopOnly = join(dir, 'only-on-laptop', 'app', 'breakpoint_demo.py');
    const [status] = await requestLineBreakpoints(run.request, laptopOnly, [LOOP]);
    const explanation = explainBreakpoint(laptopOnly, LOOP, status!, {
      mappings: [],
      programPath: join(remote, 'breakpoint_demo.py'),
    });
    expect(explanation?.kind).toBe('no-mapping');
    expect(explanation?.fixes[0]).toEqual({
      kind: 'set-mapping',
      mapping: { localRoot: join(dir, 'only-on-laptop'), remoteRoot: join(dir, 'srv') },
    });
  });

  it('justMyCode hides the standard library; a line without code is moved', async () => {
    const stdlibFile = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import json; print(json.__file__)'],
      {
        encoding: 'utf8',
      },
    ).trim();
    run = await runUnderDebugpy(PROGRAM, { args: ['3'], justMyCode: true });
    const [library] = await requestLineBreakpoints(run.request, stdlibFile, [10]);
    expect(library?.verified).toBe(false);
    const jmc = explainBreakpoint(stdlibFile, 10, library!, { mappings: [], programPath: PROGRAM });
    expect(jmc?.kind).toBe('just-my-code');
    expect(jmc?.fixes).toEqual([{ kind: 'just-my-code-off' }]);

    const [blank] = await requestLineBreakpoints(run.request, PROGRAM, [BLANK_AFTER_SQUARE]);
    expect(blank).toMatchObject({ verified: true, actualLine: BLANK_AFTER_SQUARE - 1 });
    const moved = explainBreakpoint(PROGRAM, BLANK_AFTER_SQUARE, blank!, {
      mappings: [],
      programPath: PROGRAM,
    });
    expect(moved?.kind).toBe('line-moved');
    expect(moved?.fixes).toEqual([{ kind: 'move-line', line: BLANK_AFTER_SQUARE - 1 }]);
  });
});
