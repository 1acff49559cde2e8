import type { DebugProtocol } from '@vscode/debugprotocol';
import { describe, expect, it } from 'vitest';
import {
  MAX_PROGRAM_NAME_CHARS,
  outputText,
  ProgramState,
} from '../../../../src-main/relay/program-state.js';

const event = (name: string, body: unknown): DebugProtocol.Event => ({
  seq: 1,
  type: 'event',
  event: name,
  body,
});

describe('ProgramState reads tracer events as they came', () => {
  it('keeps an integer exit code and ignores anything else', () => {
    const state = new ProgramState();
    state.onEvent(event('exited', { exitCode: { toString: null, valueOf: null } }), 'connect');
    expect(state.exitCode).toBeUndefined();
    state.onEvent(event('exited', { exitCode: '3' }), 'connect');
    expect(state.exitCode).toBeUndefined();
    state.onEvent(event('exited', { exitCode: 3 }), 'connect');
    expect(state.exitCode).toBe(3);
  });

  it('survives events without a body or with wrong field types', () => {
    const state = new ProgramState();
    for (const name of ['stopped', 'thread', 'exited', 'process', 'output', 'continued']) {
      expect(() => state.onEvent(event(name, undefined), 'connect')).not.toThrow();
      expect(() => state.onEvent(event(name, 7), 'connect')).not.toThrow();
      expect(() => state.onEvent(event(name, [1]), 'connect')).not.toThrow();
    }
    state.onEvent(event('thread', { reason: 'started', threadId: 'x' }), 'connect');
    expect(state.threads).toEqual([]);
  });

  it('keeps a stopped body with a reason even when the tracer gave none', () => {
    const state = new ProgramState();
    expect(state.onEvent(event('stopped', { threadId: 1 }), 'connect')).toEqual({
      state: 'stopped',
    });
    expect(state.stopped).toEqual({ threadId: 1, reason: 'unknown' });
  });

  it('turns output that is not text into a marker line, so the ring stays bounded', () => {
    const state = new ProgramState();
    const change = state.onEvent(
      event('output', { category: 'stdout', output: { huge: 'x'.repeat(100) } }),
      'connect',
    );
    expect(change.output).toEqual({
      category: 'stdout',
      text: '[the tracer sent output that is object, not text; not shown]\n',
    });
    expect(outputText(12)).toBe('[the tracer sent output that is number, not text; not shown]\n');
    expect(outputText('hi\n')).toBe('hi\n');
  });

  it('reads only well-formed threads from a threads response', () => {
    const state = new ProgramState();
    state.onSuccess('threads', {
      seq: 1,
      type: 'response',
      request_seq: 1,
      command: 'threads',
      success: true,
      body: { threads: [{ id: 1, name: 'Main' }, { id: 'x' }, null, { id: 2 }] },
    });
    expect(state.threads).toEqual([
      { id: 1, name: 'Main' },
      { id: 2, name: 'Thread 2' },
    ]);
  });

  it('keeps at most a path of a program name from a process event', () => {
    const state = new ProgramState();
    const change = state.onEvent(event('process', { name: 'p'.repeat(1_000_000) }), 'connect');
    expect(change.info?.program?.length).toBe(MAX_PROGRAM_NAME_CHARS + 1);
    expect(change.info?.target?.endsWith('…')).toBe(true);
  });
});
