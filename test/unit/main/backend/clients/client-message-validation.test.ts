import { describe, expect, it } from 'vitest';
import { validateClientMessage } from '../../../../../src-main/backend/clients/client-message-validation.js';

const dap = (message: unknown, sessionId: unknown = 's1'): string =>
  JSON.stringify({ type: 'dap', sessionId, message });
const app = (method: string, params: unknown, id: unknown = 1): string =>
  JSON.stringify({ type: 'app', id, method, params });

describe('validateClientMessage', () => {
  it('accepts a DAP request envelope and leaves its arguments to the tracer', () => {
    const result = validateClientMessage(
      dap({
        seq: 3,
        type: 'request',
        command: 'stackTrace',
        arguments: { threadId: 1, anything: [1] },
      }),
    );
    expect(result).toEqual({
      ok: true,
      message: {
        type: 'dap',
        sessionId: 's1',
        message: {
          seq: 3,
          type: 'request',
          command: 'stackTrace',
          arguments: { threadId: 1, anything: [1] },
        },
      },
    });
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['an array', '[]', ''],
    [
      'a DAP response instead of a request',
      dap({ seq: 1, type: 'response', command: 'x' }),
      'type',
    ],
    ['seq 0', dap({ seq: 0, type: 'request', command: 'threads' }), 'seq'],
    ['fractional seq', dap({ seq: 1.5, type: 'request', command: 'threads' }), 'seq'],
    ['a command with spaces', dap({ seq: 1, type: 'request', command: 'rm -rf' }), 'command'],
    [
      'arguments that are not an object',
      dap({ seq: 1, type: 'request', command: 'threads', arguments: [1] }),
      'arguments',
    ],
    ['an empty session id', dap({ seq: 1, type: 'request', command: 'threads' }, ''), 'sessionId'],
    ['an unknown message type', JSON.stringify({ type: 'shell', id: 1 }), ''],
    [
      'extra envelope keys',
      JSON.stringify({ type: 'app', id: 1, method: 'profiles.list', params: {}, admin: true }),
      '',
    ],
  ])('rejects %s', (_name, raw, mention) => {
    const result = validateClientMessage(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(mention);
  });

  it('says how to answer a rejected DAP request in kind', () => {
    const result = validateClientMessage(dap({ seq: 9, type: 'request', command: 'bad command' }));
    expect(result).toMatchObject({
      ok: false,
      replyTo: { type: 'dap', sessionId: 's1', seq: 9, command: 'bad command' },
    });
  });

  it('validates app params per method', () => {
    expect(validateClientMessage(app('profiles.list', {})).ok).toBe(true);
    expect(validateClientMessage(app('profiles.delete', { id: 'p1' })).ok).toBe(true);
    const missing = validateClientMessage(app('profiles.delete', {}));
    expect(missing).toMatchObject({ ok: false, replyTo: { type: 'app', id: 1 } });
    const unknown = validateClientMessage(app('shell.exec', {}, 7));
    expect(unknown).toMatchObject({ ok: false, replyTo: { type: 'app', id: 7 } });
    if (!unknown.ok) expect(unknown.error).toContain('unknown method');
  });

  it('checks launch parameters: module names, argument lists, breakpoints', () => {
    const base = {
      profileId: 'p',
      target: { kind: 'file', path: '/srv/app.py' },
      args: ['--port', '80'],
      cwd: '',
      breakpoints: [],
    };
    expect(validateClientMessage(app('session.launch', base)).ok).toBe(true);
    expect(
      validateClientMessage(
        app('session.launch', { ...base, target: { kind: 'module', module: 'http.server' } }),
      ).ok,
    ).toBe(true);
    expect(
      validateClientMessage(
        app('session.launch', { ...base, target: { kind: 'module', module: 'x; rm -rf /' } }),
      ).ok,
    ).toBe(false);
    expect(validateClientMessage(app('session.launch', { ...base, args: '--port 80' })).ok).toBe(
      false,
    );
    expect(
      validateClientMessage(
        app('session.launch', {
          ...base,
          breakpoints: [{ path: '/a.py', breakpoints: [{ line: 0 }] }],
        }),
      ).ok,
    ).toBe(false);
  });

  it('rejects an app id that is not a positive integer without echoing it', () => {
    const result = validateClientMessage(app('profiles.list', {}, -4));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.replyTo).toBeUndefined();
  });
});

describe('validateClientMessage: depth', () => {
  it('refuses a message nested deeper than the limit with a clear error', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const raw = `{"type":"dap","sessionId":"s1","message":{"seq":1,"type":"request","command":"evaluate","arguments":${deep}}}`;
    expect(validateClientMessage(raw)).toEqual({
      ok: false,
      error: 'message nests deeper than 64 levels',
    });
  });
});

describe('validateClientMessage: the hand-written check of DAP requests agrees with the schema', () => {
  const dap = (message: unknown, extra: Record<string, unknown> = {}) =>
    validateClientMessage(JSON.stringify({ type: 'dap', sessionId: 's1', message, ...extra }));

  it('passes a request as the schema does: other request fields dropped, arguments as sent', () => {
    const result = dap({
      seq: 7,
      type: 'request',
      command: 'stackTrace',
      arguments: { threadId: 1, levels: 20, nested: { a: [1, 2] } },
      foo: 'dropped',
    });
    expect(result).toEqual({
      ok: true,
      message: {
        type: 'dap',
        sessionId: 's1',
        message: {
          seq: 7,
          type: 'request',
          command: 'stackTrace',
          arguments: { threadId: 1, levels: 20, nested: { a: [1, 2] } },
        },
      },
    });
    expect(dap({ seq: 1, type: 'request', command: 'threads' })).toMatchObject({ ok: true });
  });

  it.each([
    ['a zero seq', { seq: 0, type: 'request', command: 'threads' }, {}],
    ['a fractional seq', { seq: 1.5, type: 'request', command: 'threads' }, {}],
    ['an unsafe seq', { seq: 2 ** 53, type: 'request', command: 'threads' }, {}],
    ['an event', { seq: 1, type: 'event', command: 'threads' }, {}],
    ['a bad command name', { seq: 1, type: 'request', command: '1threads' }, {}],
    ['a long command name', { seq: 1, type: 'request', command: 'a'.repeat(101) }, {}],
    ['array arguments', { seq: 1, type: 'request', command: 'threads', arguments: [1] }, {}],
    ['null arguments', { seq: 1, type: 'request', command: 'threads', arguments: null }, {}],
    ['an extra envelope field', { seq: 1, type: 'request', command: 'threads' }, { x: 1 }],
    [
      'a long session id',
      { seq: 1, type: 'request', command: 'threads' },
      { sessionId: 'x'.repeat(65) },
    ],
  ])('refuses %s, with the schema’s words', (_what, message, extra) => {
    const result = dap(message, extra);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^[\w.]+: /);
  });
});
