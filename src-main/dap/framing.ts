/**
 * DAP transport framing: the "Base protocol" section of the Debug Adapter Protocol specification.
 * Every message is a header block followed by a UTF-8 JSON body:
 *
 * ```
 * Content-Length: 119\r\n
 * \r\n
 * {"seq":153,"type":"request","command":"next",...}
 * ```
 *
 * The spec allows other header fields; Periscope is strict and accepts exactly one header line,
 * `Content-Length: <1–8 ASCII digits>`, which is what debugpy, pydevd and VS Code send.
 */

import { jsonTextTooDeep } from '../../src-common/json-limits.js';

/** Largest header block accepted, in bytes, including the final `\r\n\r\n`. */
export const MAX_HEADER_BYTES = 8192;

/** Largest body accepted, in bytes (16 MiB). A peer announcing more is rejected at once. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const HEADER_TERMINATOR = Buffer.from('\r\n\r\n', 'latin1');
const HEADER_LINE = /^Content-Length: ([0-9]{1,8})$/;

/**
 * Thrown when bytes from a peer break the framing rules (bad header, oversized header or body,
 * body that is not a JSON object). `reason` says which rule in plain words.
 *
 * `precedingMessages` holds the complete messages decoded by the same {@link DapFrameDecoder.push}
 * call before the violation, so a caller can still deliver them: nothing well-formed is lost.
 */
export class DapFramingError extends Error {
  override readonly name = 'DapFramingError';

  constructor(
    /** What rule was broken, e.g. `body is not valid JSON`. */
    readonly reason: string,
    /** Messages that were complete before the violation, in wire order. */
    readonly precedingMessages: readonly unknown[] = [],
  ) {
    super(`DAP framing error: ${reason}`);
  }
}

/**
 * What {@link DapFrameDecoder.push} returns, in its place, for a well-framed body that nests
 * deeper than `MAX_JSON_DEPTH` levels (`src-common/json-limits.ts`): the body is not parsed
 * (parsing alone would build millions of objects), and the connection goes on.
 * `classifyDapMessage` calls it invalid.
 */
export class TooDeepBody {
  constructor(
    /** The body's size in bytes. */
    readonly bytes: number,
  ) {}
}

/**
 * Encodes one DAP message as `Content-Length: N\r\n\r\n<json>`, N being the body's length in
 * UTF-8 bytes (not characters).
 */
export function encodeDapMessage(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'latin1');
  return Buffer.concat([header, body], header.length + body.length);
}

/**
 * Incremental decoder for a stream of DAP frames. Feed it chunks as they arrive, split anywhere
 * (even inside a header or a multi-byte UTF-8 character); it returns each message once its last
 * byte has arrived. Bytes are buffered, never decoded to text before a body is complete.
 *
 * Memory is bounded: it never holds more than {@link MAX_HEADER_BYTES} of an unterminated header,
 * and a body announced above {@link MAX_BODY_BYTES} is rejected from its header alone.
 *
 * After the first violation the decoder is dead: that `push` and every later one throw a
 * {@link DapFramingError} with the same `reason`.
 */
export class DapFrameDecoder {
  /** Bytes of the header block read so far (state "header"). */
  private headerBytes: Buffer = Buffer.alloc(0);
  /** Announced body length, or -1 while reading a header. */
  private bodyLength = -1;
  private bodyChunks: Buffer[] = [];
  private bodyBytesReceived = 0;
  private failure: DapFramingError | undefined;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.bodyLength < 0 ? this.headerBytes.length : this.bodyBytesReceived;
  }

  /** True once a violation was seen; every later {@link push} throws. */
  get isDead(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Consumes `chunk` and returns the messages it completed, in wire order (each a parsed JSON
   * object, not yet checked to be a valid DAP message, or a {@link TooDeepBody}).
   *
   * @throws {DapFramingError} on any framing violation (see the class comment).
   */
  push(chunk: Buffer): unknown[] {
    if (this.failure) throw new DapFramingError(this.failure.reason);
    const messages: unknown[] = [];
    try {
      this.consume(chunk, messages);
    } catch (error) {
      const reason = error instanceof DapFramingError ? error.reason : String(error);
      this.failure = new DapFramingError(reason, messages);
      this.headerBytes = Buffer.alloc(0);
      this.bodyChunks = [];
      throw this.failure;
    }
    return messages;
  }

  /**
   * Drops the bytes of an unfinished frame: the connection closed, so they can never complete
   * (a peer that sent 16 MiB minus one byte and left must not keep 16 MiB in an ended session).
   * Every later {@link push} throws.
   */
  discard(): void {
    this.failure ??= new DapFramingError('the connection closed');
    this.headerBytes = Buffer.alloc(0);
    this.bodyChunks = [];
    this.bodyBytesReceived = 0;
    this.bodyLength = -1;
  }

  private consume(chunk: Buffer, messages: unknown[]): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.bodyLength < 0) {
        const rest = this.consumeHeader(data);
        if (rest === undefined) return;
        data = rest;
        if (this.bodyLength === 0)
          throw new DapFramingError('body is not valid JSON (it is empty)');
      } else {
        const missing = this.bodyLength - this.bodyBytesReceived;
        if (data.length < missing) {
          this.bodyChunks.push(data);
          this.bodyBytesReceived += data.length;
          return;
        }
        this.bodyChunks.push(data.subarray(0, missing));
        data = data.subarray(missing);
        const body = Buffer.concat(this.bodyChunks, this.bodyLength);
        this.bodyLength = -1;
        this.bodyChunks = [];
        this.bodyBytesReceived = 0;
        messages.push(this.parseBody(body));
      }
    }
  }

  /** Reads header bytes; returns the bytes after the header block, or undefined if incomplete. */
  private consumeHeader(data: Buffer): Buffer | undefined {
    const previous = this.headerBytes.length;
    const buffered = previous === 0 ? data : Buffer.concat([this.headerBytes, data]);
    // Only the first MAX_HEADER_BYTES can hold a valid terminator; start just before the new bytes.
    const searchable = buffered.subarray(0, MAX_HEADER_BYTES);
    const end = searchable.indexOf(HEADER_TERMINATOR, Math.max(0, previous - 3));
    if (end < 0) {
      if (buffered.length >= MAX_HEADER_BYTES) {
        throw new DapFramingError(
          `header block exceeds ${MAX_HEADER_BYTES} bytes without a \\r\\n\\r\\n terminator`,
        );
      }
      this.headerBytes = Buffer.from(buffered); // copy: small, and detached from the caller's chunk
      return undefined;
    }
    this.headerBytes = Buffer.alloc(0);
    this.bodyLength = parseHeaderBlock(buffered.toString('latin1', 0, end));
    return buffered.subarray(end + HEADER_TERMINATOR.length);
  }

  private parseBody(body: Buffer): object | TooDeepBody {
    let text: string;
    try {
      text = this.utf8.decode(body);
    } catch {
      throw new DapFramingError('body is not valid UTF-8');
    }
    // Before parsing: a deep body would be built in full (16 MiB of `[` is 8 million arrays).
    if (jsonTextTooDeep(text)) {
      if (text.trimStart().startsWith('['))
        throw new DapFramingError('body is JSON an array, not an object');
      return new TooDeepBody(body.length);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new DapFramingError('body is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
      throw new DapFramingError(`body is JSON ${kind}, not an object`);
    }
    return value;
  }
}

/** Validates the header block (without its terminator) and returns the body length in bytes. */
function parseHeaderBlock(block: string): number {
  const lines = block.split('\r\n');
  if (lines.length !== 1) {
    throw new DapFramingError(
      `header block has ${lines.length} lines; expected exactly one Content-Length line`,
    );
  }
  const match = HEADER_LINE.exec(block);
  if (!match?.[1]) {
    throw new DapFramingError(
      `header line does not match Content-Length: <digits> (got ${JSON.stringify(block.slice(0, 80))})`,
    );
  }
  const length = Number(match[1]);
  if (length > MAX_BODY_BYTES) {
    throw new DapFramingError(`body of ${length} bytes exceeds 16 MiB`);
  }
  return length;
}
