import { describe, expect, it } from 'vitest';
import {
  DapFrameDecoder,
  DapFramingError,
  MAX_BODY_BYTES,
  MAX_HEADER_BYTES,
  TooDeepBody,
  encodeDapMessage,
} from '../../../../src-main/dap/framing.js';
import { MAX_JSON_DEPTH } from '../../../../src-common/json-limits.js';

const first = { seq: 1, type: 'event', event: 'output', body: { output: 'héllo 😀\n' } };
const second = { seq: 2, type: 'response', request_seq: 7, success: true, command: 'threads' };

function framingError(action: () => unknown): DapFramingError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DapFramingError);
    return error as DapFramingError;
  }
  throw new Error('expected a DapFramingError');
}

function decodeAll(bytes: Buffer): unknown[] {
  return new DapFrameDecoder().push(bytes);
}

describe('encodeDapMessage', () => {
  it('writes Content-Length in UTF-8 bytes, not characters', () => {
    const encoded = encodeDapMessage({ text: 'é😀' });
    const body = JSON.stringify({ text: 'é😀' });
    expect(body.length).toBe(14); // UTF-16 code units
    expect(encoded.toString('latin1', 0, 22)).toBe('Content-Length: 17\r\n\r\n');
    expect(encoded.subarray(22).toString('utf8')).toBe(body);
    expect(encoded.length).toBe(22 + 17);
  });
});

describe('DapFrameDecoder', () => {
  const stream = Buffer.concat([encodeDapMessage(first), encodeDapMessage(second)]);

  it('decodes two messages split at every possible point', () => {
    for (let split = 0; split <= stream.length; split++) {
      const decoder = new DapFrameDecoder();
      const messages = [
        ...decoder.push(stream.subarray(0, split)),
        ...decoder.push(stream.subarray(split)),
      ];
      expect(messages, `split at ${split}`).toEqual([first, second]);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('decodes byte by byte, returning each message with its last byte', () => {
    const decoder = new DapFrameDecoder();
    const firstLength = encodeDapMessage(first).length;
    const seen: Array<{ at: number; message: unknown }> = [];
    for (let i = 0; i < stream.length; i++) {
      for (const message of decoder.push(stream.subarray(i, i + 1))) seen.push({ at: i, message });
    }
    expect(seen).toEqual([
      { at: firstLength - 1, message: first },
      { at: stream.length - 1, message: second },
    ]);
  });

  it('decodes several messages in one chunk, in order', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ seq: i + 1, type: 'event', event: 'e' }));
    expect(decodeAll(Buffer.concat(many.map((m) => encodeDapMessage(m))))).toEqual(many);
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    for (const text of ['é', '😀']) {
      const encoded = encodeDapMessage({ seq: 1, type: 'event', event: 'output', body: text });
      const charStart = encoded.indexOf(Buffer.from(text, 'utf8'));
      const charBytes = Buffer.byteLength(text);
      for (let cut = charStart + 1; cut < charStart + charBytes; cut++) {
        const decoder = new DapFrameDecoder();
        expect(decoder.push(encoded.subarray(0, cut))).toEqual([]);
        expect(decoder.push(encoded.subarray(cut))).toEqual([
          { seq: 1, type: 'event', event: 'output', body: text },
        ]);
      }
    }
  });

  it.each([
    ['lowercase name', 'content-length: 2\r\n\r\n{}', 'header line does not match'],
    ['missing space', 'Content-Length:2\r\n\r\n{}', 'header line does not match'],
    ['9 digits', 'Content-Length: 000000002\r\n\r\n{}', 'header line does not match'],
    ['negative', 'Content-Length: -2\r\n\r\n{}', 'header line does not match'],
    ['non-digit', 'Content-Length: 2a\r\n\r\n{}', 'header line does not match'],
    ['trailing space', 'Content-Length: 2 \r\n\r\n{}', 'header line does not match'],
    ['bare LF', 'Content-Length: 2\n\r\n\r\n{}', 'header line does not match'],
    ['extra header line', 'Content-Length: 2\r\nContent-Type: x\r\n\r\n{}', 'has 2 lines'],
    ['empty header', '\r\n\r\n{}', 'header line does not match'],
  ])('rejects a bad header: %s', (_name, raw, reason) => {
    const error = framingError(() => decodeAll(Buffer.from(raw, 'latin1')));
    expect(error.reason).toContain(reason);
  });

  it('rejects a header block over 8 KiB without waiting for more', () => {
    const decoder = new DapFrameDecoder();
    const garbage = Buffer.alloc(MAX_HEADER_BYTES - 1, 'a');
    expect(decoder.push(garbage)).toEqual([]);
    expect(decoder.bufferedBytes).toBe(MAX_HEADER_BYTES - 1);
    const error = framingError(() => decoder.push(Buffer.from('a')));
    expect(error.reason).toMatch(/header block exceeds 8192 bytes/);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('rejects a large chunk with no header terminator in its first 8 KiB', () => {
    const chunk = Buffer.concat([Buffer.alloc(10_000, 'x'), Buffer.from('\r\n\r\n{}')]);
    expect(framingError(() => decodeAll(chunk)).reason).toMatch(/exceeds 8192 bytes/);
  });

  it('rejects a body over 16 MiB from its header alone, holding nothing', () => {
    const decoder = new DapFrameDecoder();
    const error = framingError(() => decoder.push(Buffer.from('Content-Length: 20000000\r\n\r\n')));
    expect(error.reason).toBe('body of 20000000 bytes exceeds 16 MiB');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('accepts a body of exactly 16 MiB', () => {
    const padding = 'x'.repeat(MAX_BODY_BYTES - '{"p":""}'.length);
    const message = { p: padding };
    const encoded = encodeDapMessage(message);
    const decoder = new DapFrameDecoder();
    const out: unknown[] = [];
    for (let i = 0; i < encoded.length; i += 65_536) {
      out.push(...decoder.push(encoded.subarray(i, i + 65_536)));
    }
    expect(out).toHaveLength(1);
    expect((out[0] as { p: string }).p.length).toBe(padding.length);
  });

  it.each([
    ['invalid JSON', '{"seq":', 'body is not valid JSON'],
    ['a JSON array', '[1,2]', 'body is JSON an array, not an object'],
    ['a JSON number', '42', 'body is JSON number, not an object'],
    ['a JSON string', '"hi"', 'body is JSON string, not an object'],
    ['JSON null', 'null', 'body is JSON null, not an object'],
    ['empty', '', 'body is not valid JSON (it is empty)'],
  ])('rejects a body that is %s', (_name, body, reason) => {
    const raw = `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    expect(framingError(() => decodeAll(Buffer.from(raw))).reason).toBe(reason);
  });

  it('does not parse a body nested deeper than the JSON depth limit (issue 17, found by fuzzing)', () => {
    // 16 MiB of `{"a":` once parsed is millions of objects, hundreds of MB, seconds of CPU.
    const levels = Math.floor((MAX_BODY_BYTES - 2) / 6);
    const body = `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const raw = Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const decoder = new DapFrameDecoder();
    const out = decoder.push(raw);
    expect(out).toHaveLength(1);
    expect(out[0]).toBeInstanceOf(TooDeepBody);
    expect((out[0] as TooDeepBody).bytes).toBe(Buffer.byteLength(body));
    // The connection goes on: the next message decodes.
    expect(decoder.push(encodeDapMessage(first))).toEqual([first]);
  });

  it('parses a body exactly at the depth limit, brackets inside strings not counted', () => {
    const inner = '"[[[[{{{{\\"[[["';
    const body = `${'{"a":'.repeat(MAX_JSON_DEPTH - 1)}{"s":${inner}}${'}'.repeat(MAX_JSON_DEPTH - 1)}`;
    const out = decodeAll(Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    expect(out[0]).not.toBeInstanceOf(TooDeepBody);
    expect(out[0]).toEqual(JSON.parse(body));
  });

  it('rejects a deep array body as not an object, without parsing it', () => {
    const body = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const raw = `Content-Length: ${body.length}\r\n\r\n${body}`;
    expect(framingError(() => decodeAll(Buffer.from(raw))).reason).toBe(
      'body is JSON an array, not an object',
    );
  });

  it('rejects a body that is not valid UTF-8', () => {
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"a":"\xff"}
    const raw = Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
    expect(framingError(() => decodeAll(raw)).reason).toBe('body is not valid UTF-8');
  });

  it('hands back the messages completed before a violation, then stays dead', () => {
    const decoder = new DapFrameDecoder();
    const chunk = Buffer.concat([encodeDapMessage(first), Buffer.from('Bogus: 1\r\n\r\n')]);
    const error = framingError(() => decoder.push(chunk));
    expect(error.precedingMessages).toEqual([first]);
    expect(decoder.isDead).toBe(true);
    const again = framingError(() => decoder.push(encodeDapMessage(second)));
    expect(again.reason).toBe(error.reason);
    expect(again.precedingMessages).toEqual([]);
  });
});
