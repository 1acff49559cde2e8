import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../../src-common/protocol/client-protocol.js';
import {
  inTree,
  processesOf,
  rootOf,
  sessionRows,
} from '../../../../src-renderer/stores/process-trees.js';

const s = (
  id: string,
  startedAt: number,
  state: SessionInfo['state'] = 'running',
  parentId?: string,
): SessionInfo => ({
  id,
  profileId: 'p',
  profileName: 'box',
  target: id,
  state,
  startedAt,
  ...(parentId ? { parentId } : {}),
});

// Newest first, as the store keeps them.
const list = [
  s('other', 50),
  s('w3', 40, 'ended', 'root'),
  s('grandchild', 35, 'stopped', 'w2'),
  s('w2', 30, 'running', 'root'),
  s('w1', 20, 'stopped', 'root'),
  s('root', 10),
  s('old', 5, 'ended'),
  s('old-child', 6, 'ended', 'old'),
];

const ids = (rows: ReturnType<typeof sessionRows>) =>
  rows.map((r) =>
    'session' in r
      ? `${'  '.repeat(r.depth)}${r.session.id}`
      : `${'  '.repeat(r.depth)}+${r.count} ended`,
  );

describe('process trees', () => {
  it('lists each program with its live processes under it, ended ones folded', () => {
    expect(ids(sessionRows(list))).toEqual([
      'other',
      'root',
      '  w1',
      '  w2',
      '    grandchild',
      '  +1 ended',
      'old',
    ]);
    expect(ids(sessionRows(list, new Set(['root'])))).toContain('  w3');
  });

  it("finds a process's program, and the processes of a program for the call stack", () => {
    expect(rootOf(list, 'grandchild')?.id).toBe('root');
    expect(rootOf(list, 'other')?.id).toBe('other');
    expect(processesOf(list, 'w1').map((m) => m.id)).toEqual(['root', 'w1', 'w2', 'grandchild']);
    // The one looked at stays listed even once it has ended.
    expect(processesOf(list, 'w3').map((m) => m.id)).toEqual([
      'root',
      'w1',
      'w2',
      'grandchild',
      'w3',
    ]);
    expect(inTree(list, 'root', 'grandchild')).toBe(true);
    expect(inTree(list, 'root', 'other')).toBe(false);
  });

  it('survives a parent that is not listed and a loop of parents', () => {
    const orphan = [s('a', 1, 'running', 'gone')];
    expect(ids(sessionRows(orphan))).toEqual(['a']);
    const loop = [s('x', 1, 'running', 'y'), s('y', 2, 'running', 'x')];
    expect(rootOf(loop, 'x')).toBeDefined();
  });
});
