/**
 * Reads back the framed output file the remote output mux writes (`output-mux.ts`): records
 * `o <length>\n` (stdout) or `e <length>\n` (stderr), the length in decimal ASCII, followed by
 * exactly that many raw bytes. Chunks may split records and headers anywhere; payload bytes are
 * passed on as soon as they arrive (a record's payload may come in several pieces), in file order.
 *
 * A malformed header cannot be resynchronised (a payload may contain anything), so from that
 * point on everything (the bad header's bytes included) is passed on as stdout, after one error
 * report: no byte is dropped and nothing throws.
 */
import type { OutputCategory } from './launch-output.js';

/** Longest valid header: tag, space, up to 10 digits, newline. */
const MAX_HEADER_BYTES = 13;
const MAX_RECORD_BYTES = 0x7fff_ffff;
const HEADER = /^([oe]) (0|[1-9][0-9]{0,9})\n$/;
const NEWLINE = 0x0a;

/** Options of {@link OutputDeframer}. */
export interface OutputDeframerOptions {
  /** Receives payload bytes with their stream, in file order (never an empty chunk). */
  onData: (category: OutputCategory, chunk: Buffer) => void;
  /** Told once when the framing breaks (a malformed or truncated header), in plain words. */
  onError?: (message: string) => void;
}

/** See the module comment. Feed it with {@link push}; call {@link end} at the end of the file. */
export class OutputDeframer {
  private header = Buffer.alloc(0);
  private category: OutputCategory = 'stdout';
  /** Payload bytes still due for the current record; 0 = a header comes next. */
  private remaining = 0;
  private raw = false;
  private offset = 0;

  constructor(private readonly options: OutputDeframerOptions) {}

  /** Whether the framing broke and bytes now pass through as stdout. */
  get broken(): boolean {
    return this.raw;
  }

  /** Feeds the next bytes of the file. */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.raw) {
        this.deliver('stdout', chunk.subarray(at));
        this.offset += chunk.length - at;
        return;
      }
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        this.deliver(this.category, chunk.subarray(at, at + take));
        this.remaining -= take;
        this.offset += take;
        at += take;
        continue;
      }
      const newline = chunk.indexOf(NEWLINE, at);
      const end = newline < 0 ? chunk.length : newline + 1;
      const header = Buffer.concat([this.header, chunk.subarray(at, end)]);
      at = end;
      if (newline < 0 && header.length < MAX_HEADER_BYTES && this.plausible(header)) {
        this.header = header;
        continue;
      }
      this.header = Buffer.alloc(0);
      const match = HEADER.exec(header.toString('latin1'));
      const length = match?.[2] === undefined ? NaN : Number(match[2]);
      if (!match || !(length <= MAX_RECORD_BYTES)) {
        this.breakFraming(header, 'malformed record header');
        continue;
      }
      this.offset += header.length;
      this.category = match[1] === 'e' ? 'stderr' : 'stdout';
      this.remaining = length;
    }
  }

  /**
   * The file has ended: a header cut short is reported and its bytes are passed on as stdout.
   * (A record's payload cut short needs nothing: what came was passed on already.)
   */
  end(): void {
    if (this.header.length === 0) return;
    const header = this.header;
    this.header = Buffer.alloc(0);
    this.breakFraming(header, 'the output ended inside a record header');
  }

  /** A partial header that can still become valid (tag, space, digits). */
  private plausible(header: Buffer): boolean {
    return /^(?:[oe](?: [0-9]*)?)?$/.test(header.toString('latin1'));
  }

  private breakFraming(bytes: Buffer, what: string): void {
    const preview = JSON.stringify(bytes.subarray(0, 40).toString('latin1'));
    this.options.onError?.(
      `${what} at byte ${this.offset} of the program's output: ${preview}; the rest is shown as stdout`,
    );
    this.raw = true;
    this.deliver('stdout', bytes);
    this.offset += bytes.length;
  }

  private deliver(category: OutputCategory, chunk: Buffer): void {
    if (chunk.length > 0) this.options.onData(category, chunk);
  }
}
