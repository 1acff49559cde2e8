/**
 * The console for a program that runs in a terminal of its own (launch.json's `console`
 * `integratedTerminal`): while it runs, keys go to it raw, in order, one write at a time and
 * coalesced while one is under way, and the console draws no prompt over its screen; paused, the
 * line editor evaluates as usual. Its output is written exactly as it came.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConsoleChannel } from '../../../../src-renderer/console/console-channel.js';
import {
  ConsoleController,
  type Evaluate,
} from '../../../../src-renderer/console/console-controller.js';
import {
  TerminalInput,
  TerminalSizeSender,
} from '../../../../src-renderer/console/terminal-input.js';
import { ScreenModel } from './screen-model.js';

class FakeTerminal extends ScreenModel {
  readonly writes: string[] = [];
  override write(data: string): void {
    this.writes.push(data);
    super.write(data);
  }
}

/** A sender whose writes the test settles by hand. */
function manualSend() {
  const calls: { text: string; done: (problem: string | null) => void }[] = [];
  const send = (text: string): Promise<string | null> =>
    new Promise((resolve) => calls.push({ text, done: resolve }));
  return { calls, send };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TerminalInput', () => {
  it('sends one batch at a time, in order, coalescing what is typed meanwhile', async () => {
    const { calls, send } = manualSend();
    const input = new TerminalInput(send, () => undefined);
    input.push('a');
    input.push('b');
    input.push('\x1b[A');
    expect(calls.map((c) => c.text)).toEqual(['a']);
    calls[0]?.done(null);
    await flush();
    expect(calls.map((c) => c.text)).toEqual(['a', 'b\x1b[A']);
    input.push('\x04');
    calls[1]?.done(null);
    await flush();
    expect(calls.map((c) => c.text)).toEqual(['a', 'b\x1b[A', '\x04']);
  });

  it('says what could not be sent and goes on; sends nothing once closed', async () => {
    const { calls, send } = manualSend();
    const problems: string[] = [];
    const input = new TerminalInput(send, (p) => problems.push(p));
    input.push('x');
    input.push('y');
    calls[0]?.done('Not sent to the program: the link is down');
    await flush();
    expect(problems).toEqual(['Not sent to the program: the link is down']);
    expect(calls.map((c) => c.text)).toEqual(['x', 'y']);
    input.close();
    input.push('z');
    calls[1]?.done(null);
    await flush();
    expect(calls).toHaveLength(2);
  });
});

describe('TerminalSizeSender', () => {
  it('sends the first size, then only the latest of a burst, and never the same size twice', async () => {
    const sent: string[] = [];
    const waiting: (() => void)[] = [];
    const sizes = new TerminalSizeSender(
      (cols, rows) =>
        new Promise((resolve) => {
          sent.push(`${cols}x${rows}`);
          waiting.push(() => resolve(null));
        }),
    );
    sizes.resize(80, 24);
    sizes.resize(90, 24);
    sizes.resize(100, 30);
    waiting.shift()?.();
    await flush();
    sizes.resize(100, 30);
    waiting.shift()?.();
    await flush();
    expect(sent).toEqual(['80x24', '100x30']);
  });
});

describe('ConsoleController with a program terminal', () => {
  function setup(enabled = false) {
    const terminal = new FakeTerminal(40, 10);
    const channel = new ConsoleChannel();
    channel.programTerminal = true;
    const evaluate = vi.fn<Evaluate>(() => Promise.resolve({ ok: true, text: "'AdaAda'" }));
    const controller = new ConsoleController({ terminal, channel, evaluate, enabled });
    const { calls, send } = manualSend();
    controller.setProgramTerminal(send);
    controller.attach();
    return { terminal, channel, controller, evaluate, calls };
  }

  it('sends every key raw while the program runs and draws no prompt', async () => {
    const { terminal, controller, calls } = setup();
    expect(controller.isRaw).toBe(true);
    expect(terminal.text().join('\n')).toBe('');
    // Bracketed paste is left to the program.
    expect(terminal.writes).toContain('\x1b[?2004l');
    controller.handleData('h');
    controller.handleData('i\r');
    controller.handleData('\x03');
    calls[0]?.done(null);
    await flush();
    expect(calls.map((c) => c.text)).toEqual(['h', 'i\r\x03']);
    // Nothing echoed by the console: the program's terminal echoes.
    expect(terminal.text().join('\n')).toBe('');
  });

  it('writes the program output exactly as it came, bare line feeds and all', () => {
    const { terminal, channel } = setup();
    channel.write('ab\ncd', 'stdout');
    // A bare LF moves down and keeps the column (a full-screen program relies on it).
    expect(terminal.text()).toEqual(['ab', '  cd']);
  });

  it('paused, the line editor evaluates; continued, the prompt goes and keys are raw again', async () => {
    const { terminal, controller, evaluate, calls } = setup();
    controller.setEnabled(true);
    expect(controller.isRaw).toBe(false);
    expect(terminal.text().at(-1)).toBe('>>>');
    controller.handleData('name * 2\r');
    await flush();
    expect(evaluate).toHaveBeenCalledWith('name * 2');
    expect(terminal.text().join('\n')).toContain("'AdaAda'");
    expect(calls).toHaveLength(0);
    controller.setEnabled(false);
    expect(terminal.text().at(-1)).not.toBe('>>>');
    controller.handleData('q');
    expect(calls.map((c) => c.text)).toEqual(['q']);
  });

  it('without a program terminal, the line editor sends whole lines as before', () => {
    const { controller, calls } = setup();
    controller.setProgramTerminal(undefined);
    controller.handleData('x');
    expect(controller.isRaw).toBe(false);
    expect(calls).toHaveLength(0);
  });
});
