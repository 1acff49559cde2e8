import { describe, expect, it, vi } from 'vitest';
import type { DebugSession } from '../../../../src-main/relay/debug-session.js';
import { ProcessTree } from '../../../../src-main/relay/process-tree.js';

/** The part of a session a tree uses, recording what the tree does to it. */
function member(name: string, calls: string[]) {
  return {
    isEnded: false,
    breakpoints: [
      { source: { path: '/app/x.py' }, breakpoints: [{ line: 3, condition: 'n > 1' }] },
      { source: { path: '/app/y.py' }, lines: [7] },
      { source: { sourceReference: 4 }, breakpoints: [{ line: 1 }] },
    ],
    applyFromTree: vi.fn((command: string) => {
      calls.push(`${name} ${command}`);
      return Promise.resolve();
    }),
    close: vi.fn(() => {
      calls.push(`${name} close`);
      return Promise.resolve();
    }),
    detach: vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 5));
      calls.push(`${name} detach`);
    }),
  } as unknown as DebugSession & { isEnded: boolean };
}

describe('a process tree', () => {
  it('takes a place per child before anything is awaited, up to its limit', () => {
    const tree = new ProcessTree(member('root', []), { follow: true, maxChildren: 2 });
    expect(tree.reserve()).toBe(true);
    expect(tree.reserve()).toBe(true);
    expect(tree.reserve()).toBe(false);
    tree.add(member('a', []));
    tree.unreserve();
    expect(tree.reserve()).toBe(true);
    expect(new ProcessTree(member('r', []), { follow: false, maxChildren: 9 }).reserve()).toBe(
      false,
    );
  });

  it('starts a child with the root breakpoints, from lines too, and the tree exception filters', () => {
    const tree = new ProcessTree(member('root', []), {
      follow: true,
      maxChildren: 4,
      exceptionFilters: ['uncaught'],
    });
    expect(tree.startingBreakpoints()).toEqual([
      { path: '/app/x.py', breakpoints: [{ line: 3, condition: 'n > 1' }] },
      { path: '/app/y.py', breakpoints: [{ line: 7 }] },
    ]);
    expect(tree.exceptionFilters).toEqual(['uncaught']);
    tree.propagate(tree.root, {
      seq: 1,
      type: 'request',
      command: 'setExceptionBreakpoints',
      arguments: { filters: ['raised', 'uncaught'] },
    });
    expect(tree.exceptionFilters).toEqual(['raised', 'uncaught']);
  });

  it('sends a breakpoint change to every other live process, and nothing else', () => {
    const calls: string[] = [];
    const root = member('root', calls);
    const tree = new ProcessTree(root, { follow: true, maxChildren: 4 });
    const a = member('a', calls);
    const b = member('b', calls);
    const gone = member('gone', calls);
    gone.isEnded = true;
    for (const child of [a, b, gone]) {
      tree.reserve();
      tree.add(child);
    }
    tree.propagate(a, { seq: 1, type: 'request', command: 'setBreakpoints', arguments: {} });
    tree.propagate(a, { seq: 2, type: 'request', command: 'evaluate', arguments: {} });
    expect(calls).toEqual(['root setBreakpoints', 'b setBreakpoints']);
    expect(tree.liveChildren).toBe(2);
  });

  it('detaches the children before the root, whose forward they use', async () => {
    const calls: string[] = [];
    const tree = new ProcessTree(member('root', calls), { follow: true, maxChildren: 4 });
    tree.reserve();
    tree.add(member('a', calls));
    await tree.detach('bye');
    expect(calls).toEqual(['a detach', 'root detach']);
    expect(tree.endingAs).toBe('detach');
  });
});
