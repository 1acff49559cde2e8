import { describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../../../src-renderer/console/console-channel.js';
import { ConsoleController } from '../../../../src-renderer/console/console-controller.js';
import { parseInputKeys } from '../../../../src-renderer/console/input-keys.js';

function setup(items: string[], replaceLength: number) {
  const channel = new ConsoleChannel();
  let screen = '';
  const requests: [string, number][] = [];
  const evaluated: string[] = [];
  const controller = new ConsoleController({
    terminal: { cols: 80, write: (d: string) => void (screen += d) },
    channel,
    enabled: true,
    evaluate: (e) => {
      evaluated.push(e);
      return Promise.resolve({ ok: true, text: 'ok' });
    },
    complete: (line, cursor) => {
      requests.push([line, cursor]);
      return Promise.resolve({ replaceLength, items: items.map((t) => ({ label: t, text: t })) });
    },
  });
  controller.attach();
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { controller, channel, requests, evaluated, settle, screen: () => screen };
}

describe('console completions', () => {
  it('a lone Tab is its own key; Tab inside text stays spaces', () => {
    expect(parseInputKeys('\t')).toEqual([{ type: 'tab' }]);
    expect(parseInputKeys('a\tb')).toEqual([{ type: 'text', text: 'a    b' }]);
  });

  it('inserts the only candidate, then Enter evaluates the completed line', async () => {
    const t = setup(['big_list'], 4);
    t.controller.handleData('big_');
    t.controller.handleData('\t');
    await t.settle();
    expect(t.requests).toEqual([['big_', 4]]);
    t.controller.handleData('\r');
    await t.settle();
    expect(t.evaluated).toEqual(['big_list']);
  });

  it('lists several candidates without a longer common prefix; indents at line start', async () => {
    const t = setup(['big_list', 'big_dict'], 4);
    t.controller.handleData('big_');
    t.controller.handleData('\t');
    await t.settle();
    expect(t.channel.renderHistory()).toContain('big_list  big_dict');
    const idle = setup(['x'], 0);
    idle.controller.handleData('\t');
    await idle.settle();
    expect(idle.requests).toEqual([]);
  });
});
