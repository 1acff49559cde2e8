/**
 * launch.json's `console` (issue 18) on programs launched over a real sshd under a real
 * debugpy: with `integratedTerminal` (and `externalTerminal`, the same here) the program runs in
 * a pseudo-terminal on the remote machine — `isatty()` true, the console's size, `input()` and
 * cbreak keys from `session.stdin`, a resize from `session.resize`, a curses program —, a
 * breakpoint still stops and evaluates, and Stop ends the program's whole session even when it
 * ignores SIGTERM. `internalConsole` keeps pipes.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { launchWorld, untilStoppedWithLocals, type DebuggerWorld } from './debugger-kit.js';

const programs = resolve('test/fixtures/programs/console');
const terminalIo = join(programs, 'terminal_io.py');
/** `answer = len(name)` in terminal_io.py. */
const ANSWER_LINE = 26;
const cursesApp = join(programs, 'curses_app.py');
const stubborn = join(programs, 'stubborn_terminal.py');

describe('launch.json console with a real debugpy over SSH', () => {
  let sshd: TestSshd;
  let world: DebuggerWorld | undefined;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const output = (w: DebuggerWorld): string => w.client.output(w.session.id);
  async function untilOutput(w: DebuggerWorld, text: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!output(w).includes(text)) {
      if (Date.now() > deadline)
        throw new Error(`no ${JSON.stringify(text)} in the output: ${JSON.stringify(output(w))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const type = (w: DebuggerWorld, text: string) =>
    w.client.app('session.stdin', { sessionId: w.session.id, text });

  it('integratedTerminal: a terminal of the console size, typed keys, a resize, a breakpoint', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    world = await launchWorld(sshd, {
      program: terminalIo,
      profile: { console: 'integratedTerminal' },
      terminalSize: { cols: 100, rows: 30 },
      breakpoints: [{ path: terminalIo, lines: [ANSWER_LINE] }],
    });
    const w = world;
    expect(w.session.terminal).toBe(true);
    await untilOutput(w, 'Your name? ');
    expect(output(w)).toContain('isatty True True True\r\n');
    expect(output(w)).toContain('size 100x30\r\n');
    expect(output(w)).toContain('on stderr\r\n');
    // One terminal stream: nothing comes as stderr.
    expect(w.client.output(w.session.id, 'stderr')).toBe('');

    await w.client.app('session.resize', { sessionId: w.session.id, cols: 120, rows: 40 });
    // The mux applies a new size within 100 ms; the program reads it after its input.
    await new Promise((r) => setTimeout(r, 400));
    // A terminal edits the line: DEL erases the typo, the echo comes from the terminal.
    await type(w, 'Adx\x7fa\r');
    await untilOutput(w, 'hello Ada\r\n');
    expect(output(w)).toContain('Your name? Adx\b \ba\r\n');
    await untilOutput(w, 'resized 120x40\r\n');

    await untilOutput(w, 'press two keys');
    await type(w, 'q');
    await type(w, '\x04');
    await untilOutput(w, "keys b'q\\x04'");

    const view = await untilStoppedWithLocals(w, ANSWER_LINE);
    const frameId = view.selectedFrameId;
    const evaluated = await w.dap('evaluate', { expression: 'name * 2', frameId, context: 'repl' });
    expect((evaluated.body as { result: string }).result).toBe("'AdaAda'");
    await w.model.resume('continue');
    await untilOutput(w, 'done 3');
    await w.until((v) => v.state === 'ended', 30_000);
  });

  it('externalTerminal is the same (the terminal is on the remote machine): a curses program', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    world = await launchWorld(sshd, {
      program: cursesApp,
      profile: { console: 'externalTerminal' },
      terminalSize: { cols: 90, rows: 25 },
    });
    const w = world;
    await untilOutput(w, 'press keys, q quits');
    expect(output(w)).toContain('curses 90x25');
    // curses switched to the alternate screen of an xterm (TERM=xterm-256color).
    expect(output(w)).toContain('\x1b[?1049h');
    await type(w, 'a');
    await untilOutput(w, 'got 97');
    await type(w, 'q');
    await untilOutput(w, 'curses keys [97]');
    await w.until((v) => v.state === 'ended', 30_000);
  });

  it('Stop ends the whole terminal session, even a program and a child that ignore SIGTERM', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const marker = `periscope-stubborn-${process.pid}-${Date.now()}`;
    world = await launchWorld(sshd, {
      program: stubborn,
      args: [marker],
      profile: { console: 'integratedTerminal' },
    });
    const w = world;
    await untilOutput(w, 'started');
    const running = (): string => {
      try {
        return execFileSync('pgrep', ['-f', marker]).toString().trim();
      } catch {
        return '';
      }
    };
    expect(running()).not.toBe('');
    await w.client.app('session.close', { sessionId: w.session.id });
    await w.until((v) => v.state === 'ended', 30_000);
    const deadline = Date.now() + 10_000;
    while (running() !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toBe('');
  });

  it('internalConsole keeps pipes: no terminal, stderr apart', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    world = await launchWorld(sshd, { program: terminalIo });
    const w = world;
    expect(w.session.terminal).toBeUndefined();
    await untilOutput(w, 'Your name? ');
    expect(output(w)).toContain('isatty False False False\nno size: not a terminal\n');
    expect(w.client.output(w.session.id, 'stderr')).toBe('on stderr\n');
    await expect(
      w.client.app('session.resize', { sessionId: w.session.id, cols: 100, rows: 30 }),
    ).rejects.toMatchObject({ code: 'launch-failed', message: /not run in a terminal/ });
    // And the relay refuses a size no terminal has.
    await expect(
      w.client.app('session.resize', { sessionId: w.session.id, cols: 0, rows: 30 }),
    ).rejects.toMatchObject({ code: 'invalid-message' });
    await w.client.app('session.close', { sessionId: w.session.id });
  });
});
