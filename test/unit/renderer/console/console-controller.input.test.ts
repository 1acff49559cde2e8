/**
 * Issue 16, item 3: while the program runs, a line typed in the console goes to its stdin
 * (Enter sends it, Ctrl+D on an empty line ends the input), echoed as a terminal would.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConsoleChannel } from '../../../../src-renderer/console/console-channel.js';
import {
  ConsoleController,
  INPUT_HINT,
  type SendInput,
} from '../../../../src-renderer/console/console-controller.js';
import { ScreenModel } from './screen-model.js';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const terminal = new ScreenModel(100);
  const channel = new ConsoleChannel();
  const evaluate = vi.fn(() => Promise.resolve({ ok: true, text: '' }));
  const controller = new ConsoleController({ terminal, channel, evaluate, enabled: false });
  const sent: [string, boolean][] = [];
  const sendInput: SendInput = (text, eof) => {
    sent.push([text, eof]);
    return Promise.resolve(null);
  };
  return { terminal, channel, controller, evaluate, sent, sendInput };
}

describe('ConsoleController: input for a running program', () => {
  it('sends a typed line with its newline to stdin, never to evaluate', async () => {
    const { terminal, channel, controller, evaluate, sent, sendInput } = setup();
    controller.setSendInput(sendInput);
    controller.attach();
    expect(terminal.text().join('\n')).toContain(INPUT_HINT);
    channel.write('Name: ', 'stdout');
    controller.handleData('Ada\r');
    await flush();
    expect(sent).toEqual([['Ada\n', false]]);
    expect(evaluate).not.toHaveBeenCalled();
    expect(terminal.text()[0]).toBe('Name: Ada');
  });

  it('ends the input with Ctrl+D on an empty line', async () => {
    const { controller, sent, sendInput } = setup();
    controller.setSendInput(sendInput);
    controller.attach();
    controller.handleData('\x04');
    await flush();
    expect(sent).toEqual([['', true]]);
  });

  it('shows why a line could not be sent', async () => {
    const { terminal, controller } = setup();
    controller.setSendInput(() => Promise.resolve('Not sent to the program: it has ended'));
    controller.attach();
    controller.handleData('x\r');
    await flush();
    expect(terminal.text().join('\n')).toContain('Not sent to the program: it has ended');
  });
});
