import { describe, expect, it } from 'vitest';
import { classifyDapMessage } from '../../../../src-main/dap/dap-message-shape.js';
import { MAX_JSON_DEPTH } from '../../../../src-common/json-limits.js';

describe('classifyDapMessage', () => {
  it('sorts the three kinds', () => {
    expect(classifyDapMessage({ seq: 1, type: 'event', event: 'x' }).kind).toBe('event');
    expect(classifyDapMessage({ seq: 1, type: 'request', command: 'x' }).kind).toBe('request');
    expect(
      classifyDapMessage({ seq: 1, type: 'response', request_seq: 1, success: true, command: 'x' })
        .kind,
    ).toBe('response');
  });

  it('refuses a message nested deeper than the limit, before anything re-serialises it', () => {
    const body = JSON.parse('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)) as unknown;
    expect(classifyDapMessage({ seq: 1, type: 'event', event: 'output', body })).toEqual({
      kind: 'invalid',
      problem: `message nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });
});
