/**
 * Inspection against a real debugpy launched over a real sshd, through the renderer's debug
 * model: a million-item list and dict paged by slices, setting values (also inside a page), full
 * values beyond debugpy's 1000-character cut, hover values, console completions, the watch list.
 */
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import {
  childrenByName,
  launchWorld,
  localsRef,
  untilStoppedWithLocals,
  type DebuggerWorld,
} from './debugger-kit.js';

const bigData = resolve('test/fixtures/programs/big_data.py');
const ADD_SCALE_LINE = 20;

describe('inspection with a real debugpy', () => {
  let sshd: TestSshd;
  let w: DebuggerWorld;

  beforeAll(async () => {
    sshd = await startSshd();
    w = await launchWorld(sshd, {
      program: bigData,
      breakpoints: [{ path: bigData, lines: [ADD_SCALE_LINE] }],
    });
    await untilStoppedWithLocals(w, ADD_SCALE_LINE);
  });
  afterAll(async () => {
    await w?.dispose();
    await sshd?.stop();
  });

  const local = (name: string): DebugProtocol.Variable => {
    const v = childrenByName(w.model.view, localsRef(w.model.view))[name];
    if (!v) throw new Error(`no local ${name}`);
    return v;
  };

  it('shows the first 100 of a million list items at once, then pages by slices', async () => {
    const big = local('big_list');
    const started = performance.now();
    await w.model.toggleExpanded(big.variablesReference, big);
    const firstPageMs = performance.now() - started;
    const page = w.model.view.pages.get(big.variablesReference);
    expect(page).toMatchObject({ length: 1_000_000, start: 0, status: 'loaded' });
    expect(page?.variables).toHaveLength(100);
    expect(page?.variables[0]).toMatchObject({ name: '000000', value: '0' });
    expect(page?.variables[99]).toMatchObject({ name: '000099', value: '99' });
    // The first page is the first `variables` answer itself: one round trip.
    expect(firstPageMs).toBeLessThan(2000);
    // debugpy's own "more" and "len()" entries are not shown as items.
    const header = w.model.view.children.get(big.variablesReference);
    expect(header?.status === 'loaded' && header.variables.map((v) => v.name)).toEqual([
      'special variables',
      'function variables',
    ]);

    const t0 = performance.now();
    await w.model.showPage(big.variablesReference, 999_950);
    const lastPageMs = performance.now() - t0;
    const last = w.model.view.pages.get(big.variablesReference);
    expect(last).toMatchObject({ start: 999_900, status: 'loaded' });
    expect(last?.variables).toHaveLength(100);
    expect(last?.variables[99]).toMatchObject({
      name: '999999',
      value: '999999',
      evaluateName: 'big_list[999999]',
    });
    expect(lastPageMs).toBeLessThan(2000);
    console.info(
      `first page ${firstPageMs.toFixed(0)} ms, page at 999,900 ${lastPageMs.toFixed(0)} ms`,
    );

    // Setting an item of a later page changes the real list (setExpression on big_list[999901]).
    const item = last?.variables[1];
    if (!item) throw new Error('no item');
    expect(await w.model.setVariable({ containerRef: null, variable: item }, '-7')).toBeNull();
    expect(w.model.view.pages.get(big.variablesReference)?.variables[1]?.value).toBe('-7');
    const check = await w.dap('evaluate', {
      expression: 'big_list[999901]',
      frameId: w.model.view.selectedFrameId,
      context: 'watch',
    });
    expect((check.body as DebugProtocol.EvaluateResponse['body']).result).toBe('-7');
  });

  it('pages a million-item dict past the 500 items debugpy lists', async () => {
    const big = local('big_dict');
    await w.model.toggleExpanded(big.variablesReference, big);
    expect(w.model.view.pages.get(big.variablesReference)?.variables[0]).toMatchObject({
      name: "'k0'",
      value: '0',
    });
    await w.model.showPage(big.variablesReference, 654_321);
    const page = w.model.view.pages.get(big.variablesReference);
    expect(page?.start).toBe(654_300);
    expect(page?.variables[21]).toMatchObject({
      name: "'k654321'",
      value: '654321',
      evaluateName: "big_dict['k654321']",
    });
  });

  it('sets a local in place (setVariable) and re-evaluates the watches', async () => {
    await w.model.addWatch('counter * 2');
    expect(w.model.view.watches.find((x) => x.expression === 'counter * 2')?.value).toBe('6');
    const counter = local('counter');
    const error = await w.model.setVariable(
      { containerRef: localsRef(w.model.view), variable: counter },
      '40 + 2',
    );
    expect(error).toBeNull();
    expect(local('counter').value).toBe('42');
    expect(w.model.view.watches.find((x) => x.expression === 'counter * 2')?.value).toBe('84');
    // A bad value is refused with Python's words, and nothing changes.
    const refused = await w.model.setVariable(
      { containerRef: localsRef(w.model.view), variable: local('counter') },
      'nope +',
    );
    expect(refused).toMatch(/SyntaxError|invalid syntax/);
    expect(local('counter').value).toBe('42');
  });

  it('fetches the full value of what debugpy shortens', async () => {
    const medium = local('medium');
    expect(medium.value.length).toBeLessThan(100);
    expect(medium.value.endsWith('...]')).toBe(true);
    const full = await w.model.fullValue(medium);
    expect(full).toBe(`[${Array.from({ length: 2000 }, (_, i) => i).join(', ')}]`);
    const text = await w.model.fullValue(local('long_text'));
    expect(text).toBe(`'${'x'.repeat(5000)}END'`);
  });

  it('evaluates hovered names in the selected frame', async () => {
    expect(await w.model.hoverValue('counter')).toMatchObject({ value: '42', type: 'int' });
    expect(await w.model.hoverValue('no_such_name')).toBeNull();
  });

  it('completes console input with DAP completions', async () => {
    const result = await w.model.completions('big_', 4);
    expect(result.items.map((i) => i.text)).toEqual(
      expect.arrayContaining(['big_list', 'big_dict']),
    );
    expect(result.replaceLength).toBe(4);
    const attr = await w.model.completions('long_text.upp', 13);
    expect(attr.items.map((i) => i.text)).toContain('upper');
    expect(attr.replaceLength).toBe(3);
  });

  it('edits, reorders and removes watches; errors show inline', async () => {
    await w.model.addWatch('undefined_name');
    const broken = w.model.view.watches.find((x) => x.expression === 'undefined_name');
    expect(broken?.error).toMatch(/NameError/);
    await w.model.editWatch(broken?.id ?? 0, 'len(big_list)');
    const edited = w.model.view.watches.find((x) => x.id === broken?.id);
    expect(edited).toMatchObject({ expression: 'len(big_list)', value: '1000000', error: null });
    w.model.moveWatch(edited?.id ?? 0, 0);
    expect(w.model.watchExpressions()).toEqual(['len(big_list)', 'counter * 2']);
    w.model.removeWatch(edited?.id ?? 0);
    expect(w.model.watchExpressions()).toEqual(['counter * 2']);
  });
});
