import { describe, expect, it, vi } from 'vitest';
import { ConsoleChannel } from '../../../../src-renderer/console/console-channel.js';
import {
  ConsoleController,
  DISABLED_HINT,
  WRITE_SLICE_CHARS,
} from '../../../../src-renderer/console/console-controller.js';
import type {
  Evaluate,
  EvaluationResult,
} from '../../../../src-renderer/console/console-controller.js';
import { ScreenModel } from './screen-model.js';

/** A screen that records what was written, like an xterm Terminal. */
class FakeTerminal extends ScreenModel {
  readonly writes: string[] = [];
  override write(data: string): void {
    this.writes.push(data);
    super.write(data);
  }
}

/** An evaluate whose promises the test settles by hand. */
function manualEvaluate() {
  const calls: {
    source: string;
    resolve: (r: EvaluationResult) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const evaluate: Evaluate = (source) =>
    new Promise((resolve, reject) => {
      calls.push({ source, resolve, reject });
    });
  return { calls, evaluate };
}

function setup(options: { enabled?: boolean; evaluate?: Evaluate; cols?: number } = {}) {
  const terminal = new FakeTerminal(options.cols ?? 60);
  const channel = new ConsoleChannel();
  const evaluate =
    options.evaluate ?? vi.fn<Evaluate>(() => Promise.resolve({ ok: true, text: '2' }));
  const controller = new ConsoleController({
    terminal,
    channel,
    evaluate,
    enabled: options.enabled ?? true,
  });
  return { terminal, channel, evaluate, controller };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ConsoleController', () => {
  it('replays the channel history, then shows the prompt', () => {
    const { terminal, channel, controller } = setup();
    channel.write('started\n', 'stdout');
    controller.attach();
    expect(terminal.text()).toEqual(['started', '>>>']);
  });

  it('writes a large piece of output in slices the terminal can yield between, all of it shown', () => {
    const { terminal, channel, controller } = setup({ cols: 80 });
    controller.attach();
    terminal.writes.length = 0;
    const lines = Array.from({ length: 4000 }, (_, i) => `flood line ${i}`);
    channel.write(lines.join('\n') + '\n', 'stdout');
    expect(terminal.writes.length).toBeGreaterThan(1);
    expect(Math.max(...terminal.writes.map((w) => w.length))).toBeLessThanOrEqual(
      WRITE_SLICE_CHARS,
    );
    expect(terminal.text().slice(-3)).toEqual(['flood line 3998', 'flood line 3999', '>>>']);
  });

  it('evaluates a submitted line and shows echo and result', async () => {
    const { terminal, controller, evaluate } = setup();
    controller.attach();
    controller.handleData('1+1');
    expect(terminal.text()).toEqual(['>>> 1+1']);
    controller.handleData('\r');
    expect(evaluate).toHaveBeenCalledWith('1+1');
    expect(controller.isBusy).toBe(true);
    await flush();
    expect(controller.isBusy).toBe(false);
    expect(terminal.text()).toEqual(['>>> 1+1', '2', '>>>']);
  });

  it('shows a failed evaluation (ok: false) and a thrown error as errors', async () => {
    const { calls, evaluate } = manualEvaluate();
    const { terminal, channel, controller } = setup({ evaluate });
    const chunks: string[] = [];
    channel.subscribe((chunk) => chunks.push(chunk));
    controller.attach();
    controller.handleData('nope\r');
    calls[0]?.resolve({ ok: false, text: "NameError: name 'nope' is not defined" });
    await flush();
    controller.handleData('boom\r');
    calls[1]?.reject(new Error('connection lost'));
    await flush();
    expect(terminal.text()).toEqual([
      '>>> nope',
      "NameError: name 'nope' is not defined",
      '>>> boom',
      'connection lost',
      '>>>',
    ]);
    expect(chunks.filter((c) => c.includes('\x1b[31m'))).toHaveLength(2);
  });

  it('keeps the input line intact below output that arrives while typing', () => {
    const { terminal, channel, controller } = setup();
    controller.attach();
    controller.handleData('x = 4');
    channel.write('tick 1\n', 'stdout');
    channel.write('partial', 'stdout');
    expect(terminal.text()).toEqual(['tick 1', 'partial', '>>> x = 4']);
    channel.write(' done\n', 'stdout');
    expect(terminal.text()).toEqual(['tick 1', 'partial done', '>>> x = 4']);
    controller.handleData('2');
    expect(terminal.text()).toEqual(['tick 1', 'partial done', '>>> x = 42']);
  });

  it('while disabled shows the hint and does not evaluate', () => {
    const { terminal, controller, evaluate } = setup({ enabled: false });
    controller.attach();
    expect(terminal.text()).toEqual([`>>> ${DISABLED_HINT}`]);
    controller.handleData('x\r');
    expect(evaluate).not.toHaveBeenCalled();
    expect(terminal.text()).toEqual([DISABLED_HINT, '>>> x']);
    controller.setEnabled(true);
    controller.handleData('\r');
    expect(evaluate).toHaveBeenCalledWith('x');
  });

  it('evaluates pasted lines one after another', async () => {
    const { calls, evaluate } = manualEvaluate();
    const { terminal, controller } = setup({ evaluate });
    controller.attach();
    controller.handleData('\x1b[200~a = 1\nb = 2\n\x1b[201~');
    expect(calls.map((c) => c.source)).toEqual(['a = 1']);
    calls[0]?.resolve({ ok: true, text: '' });
    await flush();
    expect(calls.map((c) => c.source)).toEqual(['a = 1', 'b = 2']);
    calls[1]?.resolve({ ok: true, text: '' });
    await flush();
    expect(terminal.text()).toEqual(['>>> a = 1', '>>> b = 2', '>>>']);
  });

  it('evaluates a multi-line block with continuation prompts', async () => {
    const { terminal, controller, evaluate } = setup();
    controller.attach();
    controller.handleData('for i in range(2):\r');
    controller.handleData('    print(i)\r');
    expect(terminal.text()).toEqual(['>>> for i in range(2):', '...     print(i)', '...']);
    controller.handleData('\r');
    expect(evaluate).toHaveBeenCalledWith('for i in range(2):\n    print(i)');
    await flush();
    expect(terminal.text()).toEqual(['>>> for i in range(2):', '...     print(i)', '2', '>>>']);
  });

  it('Ctrl+C cancels the line and echoes it', () => {
    const { terminal, controller, evaluate } = setup();
    controller.attach();
    controller.handleData('abc\x03');
    expect(evaluate).not.toHaveBeenCalled();
    expect(terminal.text()).toEqual(['>>> abc^C', '>>>']);
  });

  it('an empty line just prints a new prompt', () => {
    const { terminal, controller, evaluate } = setup();
    controller.attach();
    controller.handleData('\r');
    expect(evaluate).not.toHaveBeenCalled();
    expect(terminal.text()).toEqual(['>>>', '>>>']);
  });

  it('keeps the history in the channel, so a remounted console recalls it', async () => {
    const { channel, controller } = setup();
    controller.attach();
    controller.handleData('first()\r');
    await flush();
    controller.dispose();
    const terminal = new FakeTerminal(60);
    const next = new ConsoleController({
      terminal,
      channel,
      evaluate: () => Promise.resolve({ ok: true, text: '' }),
      enabled: true,
    });
    next.attach();
    next.handleData('\x1b[A');
    expect(terminal.text().at(-1)).toBe('>>> first()');
  });

  it('after dispose, channel output no longer reaches the terminal', () => {
    const { terminal, channel, controller } = setup();
    controller.attach();
    controller.dispose();
    const before = terminal.writes.length;
    channel.write('late\n', 'stdout');
    controller.handleData('x');
    expect(terminal.writes.length).toBe(before);
  });

  it('redraws after the channel is cleared', () => {
    const { terminal, channel, controller } = setup();
    controller.attach();
    channel.write('old\n', 'stdout');
    controller.handleData('q');
    channel.clear();
    expect(terminal.text()).toEqual(['>>> q']);
  });

  it('uses a custom prompt', () => {
    const { terminal, controller } = setup();
    controller.attach();
    controller.setPrompt('› ');
    expect(terminal.text()).toEqual(['›']);
  });
});
