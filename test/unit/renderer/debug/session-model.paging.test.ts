import type { DebugProtocol } from '@vscode/debugprotocol';
import { describe, expect, it } from 'vitest';
import { DebugSessionModel } from '../../../../src-renderer/debug/session-model.js';
import type { DebugSessionView } from '../../../../src-renderer/debug/session-view.js';

/** `variablesReference` of the big list `big` in the locals of frame 11. */
const BIG_REF = 7;
const LOCALS_REF = 1100;

/** debugpy's first answer for a list of `length` ints: 100 items, a `more` bucket, `len()`. */
function bigListAnswer(length: number): DebugProtocol.Variable[] {
  const width = String(length - 1).length;
  const items = Array.from({ length: 100 }, (_, i) => ({
    name: String(i).padStart(width, '0'),
    value: String(i),
    type: 'int',
    evaluateName: `big[${i}]`,
    variablesReference: 0,
  }));
  return [
    { name: 'special variables', value: '', variablesReference: 90 },
    { name: 'function variables', value: '', variablesReference: 91 },
    ...items,
    { name: 'more', value: '', variablesReference: 92 },
    { name: 'len()', value: String(length), type: 'int', variablesReference: 0 },
  ];
}

const big: DebugProtocol.Variable = {
  name: 'big',
  value: '[0, 1, 2, ...]',
  type: 'list',
  evaluateName: 'big',
  variablesReference: BIG_REF,
};

function setup() {
  const log: string[] = [];
  const request = async (command: string, args?: unknown): Promise<DebugProtocol.Response> => {
    const a = (args ?? {}) as Record<string, unknown>;
    log.push(command === 'variables' ? `variables ${String(a.variablesReference)}` : command);
    await Promise.resolve();
    const bodies: Record<string, () => unknown> = {
      threads: () => ({ threads: [{ id: 1, name: 'MainThread' }] }),
      stackTrace: () => ({
        stackFrames: [{ id: 11, name: '<module>', line: 5, column: 1 }],
        totalFrames: 1,
      }),
      scopes: () => ({
        scopes: [{ name: 'Locals', variablesReference: LOCALS_REF, expensive: false }],
      }),
      variables: () => ({
        variables:
          a.variablesReference === BIG_REF
            ? bigListAnswer(1_000_000)
            : [big, { name: 'i', value: '3', type: 'int', variablesReference: 0 }],
      }),
    };
    return {
      seq: 0,
      type: 'response',
      request_seq: 0,
      command,
      success: true,
      body: bodies[command]?.(),
    };
  };
  const model = new DebugSessionModel('s1', {
    dapRequest: request,
    console: { write: () => undefined },
  });
  return { model, log };
}

const stopped: DebugProtocol.StoppedEvent = {
  seq: 1,
  type: 'event',
  event: 'stopped',
  body: { reason: 'breakpoint', threadId: 1 },
};

describe('DebugSessionModel paging of big containers', () => {
  it('publishes a big list’s first page in the same change as its answer, never the unpaged list', async () => {
    const { model, log } = setup();
    await model.handleEvent(stopped);
    const seen: DebugSessionView[] = [];
    model.onChange((view) => seen.push(view));
    log.length = 0;
    await model.toggleExpanded(BIG_REF, big);
    expect(log).toEqual([`variables ${BIG_REF}`]);
    // Expanded, loading, then the paged view: three changes, none with the 100 raw items.
    expect(seen.map((v) => v.children.get(BIG_REF)?.status ?? 'none')).toEqual([
      'none',
      'loading',
      'loaded',
    ]);
    for (const view of seen) {
      const children = view.children.get(BIG_REF);
      if (children?.status === 'loaded') {
        expect(children.variables.map((v) => v.name)).toEqual([
          'special variables',
          'function variables',
        ]);
        expect(view.pages.get(BIG_REF)).toBeDefined();
      }
    }
    const page = model.view.pages.get(BIG_REF);
    expect(page).toMatchObject({ length: 1_000_000, start: 0, status: 'loaded' });
    expect(page?.variables).toHaveLength(100);
    expect(page?.variables[42]).toMatchObject({ name: '000042', evaluateName: 'big[42]' });
  });

  it('keeps the rows’ objects when the container is collapsed and expanded again (no reload)', async () => {
    const { model, log } = setup();
    await model.handleEvent(stopped);
    await model.toggleExpanded(BIG_REF, big);
    const rows = model.view.pages.get(BIG_REF)?.variables;
    const locals = model.view.children.get(LOCALS_REF);
    log.length = 0;
    await model.toggleExpanded(BIG_REF, big);
    expect(model.view.expanded.has(BIG_REF)).toBe(false);
    await model.toggleExpanded(BIG_REF, big);
    expect(log).toEqual([]);
    // The same objects: a keyed {#each} keeps every row as it is.
    expect(model.view.pages.get(BIG_REF)?.variables).toBe(rows);
    expect(model.view.children.get(LOCALS_REF)).toBe(locals);
  });

  it('shows a small container’s answer as it is', async () => {
    const { model } = setup();
    await model.handleEvent(stopped);
    // The locals were expanded on the stop; collapse them and expand them as a container row.
    await model.toggleExpanded(LOCALS_REF);
    await model.toggleExpanded(LOCALS_REF, { ...big, variablesReference: LOCALS_REF });
    expect(model.view.expanded.has(LOCALS_REF)).toBe(true);
    expect(model.view.pages.has(LOCALS_REF)).toBe(false);
    const children = model.view.children.get(LOCALS_REF);
    expect(children?.status === 'loaded' && children.variables.map((v) => v.name)).toEqual([
      'big',
      'i',
    ]);
  });
});
