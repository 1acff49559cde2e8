import { describe, expect, it } from 'vitest';
import { validateDapRequest } from '../../../../src-main/dap/dap-request-schema.js';

describe('validateDapRequest', () => {
  it('accepts a request envelope and leaves its arguments to the tracer', () => {
    const request = { seq: 1, type: 'request', command: 'threads', arguments: { any: [1] } };
    expect(validateDapRequest(request)).toEqual({ ok: true, request });
  });

  it('names the first field that is wrong', () => {
    expect(validateDapRequest({ seq: 0, type: 'request', command: 'threads' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^seq: /) as unknown,
    });
    expect(validateDapRequest({ seq: 2, type: 'request', command: 'rm -rf' })).toEqual({
      ok: false,
      error: 'command: command must be a DAP command name',
    });
    expect(validateDapRequest({ seq: 2, type: 'event', command: 'threads' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^type: /) as unknown,
    });
    expect(validateDapRequest('threads')).toMatchObject({ ok: false });
  });

  it('drops fields the envelope does not have, as client messages do', () => {
    const result = validateDapRequest({ seq: 1, type: 'request', command: 'threads', extra: 1 });
    expect(result).toEqual({ ok: true, request: { seq: 1, type: 'request', command: 'threads' } });
  });
});
