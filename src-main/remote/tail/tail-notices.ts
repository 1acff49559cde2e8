/**
 * Splits what a `tail -F … 2>&1` sends back (one stream) into the file's bytes and tail's own
 * notices, in the order tail wrote them.
 *
 * Why one stream: tail writes a notice ("'x' has been replaced;  following new file") to stderr
 * and then the new file's first bytes to stdout, but sshd forwards the two pipes independently,
 * and when both have data it sends stdout's first: the notice then arrives after bytes of the new
 * file, and counting "bytes of the current file" from the notice on is wrong by those bytes (a
 * resume after a drop replays them). With `2>&1` the order is tail's own; GNU tail flushes stdout
 * before each notice (`error()`), so a notice never splits a write of file data.
 *
 * A notice is recognised by its exact form: `tail: ` up to the end of the line, naming the file
 * as GNU tail quotes it ({@link gnuQuote}, in the C locale), or one of tail's notices that name
 * no file (`inotify …`, `warning: …`). Any other line that happens to contain `tail: ` is file
 * data. Bytes that may be the start of a notice are held until the line ends, at most
 * {@link HOLD_MS}; then they are data.
 */

/** Longest a possible notice is held back before it is passed on as data, in ms. */
export const HOLD_MS = 100;

const PREFIX = Buffer.from('tail: ', 'latin1');
const NEWLINE = 0x0a;
/** tail's notices that name no file (coreutils 9: tail.c). */
const NAMELESS = /^tail: (inotify |warning: |no files remaining)/;

/**
 * `name` quoted as GNU tail quotes it in its notices (`quoteaf`, shell-escape-always style) in
 * the C locale, for printable ASCII names: `'name'`; with a `'` in it, `"name"` unless it also
 * holds `"`, `$`, `` ` `` or `\`, then `'…'\''…'`. Undefined for other names (tail escapes their
 * bytes; such names are followed with tail's stderr apart, `tail-script.ts`).
 */
export function gnuQuote(name: string): string | undefined {
  if (name === '' || !/^[\x20-\x7e]*$/.test(name)) return undefined;
  if (!name.includes("'")) return `'${name}'`;
  if (!/["$`\\]/.test(name)) return `"${name}"`;
  return `'${name.replaceAll("'", "'\\''")}'`;
}

/** Options of {@link TailNoticeSplitter}. */
export interface TailNoticeSplitterOptions {
  /** The file's name as given to tail (the marker says it); quoted with {@link gnuQuote}. */
  name: string;
  /** The file's bytes, in order (never empty). */
  onData: (chunk: Buffer) => void;
  /** One of tail's notices, a whole line with its newline, UTF-8 decoded. */
  onNotice: (line: string) => void;
}

/** See the module comment. Feed it with {@link push}; {@link end} when the stream ends. */
export class TailNoticeSplitter {
  private held = Buffer.alloc(0);
  private timer: NodeJS.Timeout | undefined;
  private readonly quoted: string;

  constructor(private readonly options: TailNoticeSplitterOptions) {
    this.quoted = gnuQuote(options.name) ?? options.name;
  }

  /** The next bytes of the stream. */
  push(chunk: Buffer): void {
    this.clearTimer();
    const buffer = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    let at = 0;
    let data = 0; // start of data not yet passed on
    while (at < buffer.length) {
      const start = buffer.indexOf(PREFIX, at);
      if (start < 0) {
        // Hold a trailing partial "tail: " (e.g. "ta"): the rest may come in the next chunk.
        const keep = partialPrefix(buffer, Math.max(at, buffer.length - PREFIX.length + 1));
        this.data(buffer.subarray(data, buffer.length - keep));
        this.hold(buffer.subarray(buffer.length - keep));
        return;
      }
      const end = buffer.indexOf(NEWLINE, start);
      if (end < 0) {
        this.data(buffer.subarray(data, start));
        this.hold(buffer.subarray(start));
        return;
      }
      const line = buffer.subarray(start, end + 1).toString('utf8');
      if (this.isNotice(line)) {
        this.data(buffer.subarray(data, start));
        this.options.onNotice(line);
        data = end + 1;
      }
      at = end + 1;
    }
    this.data(buffer.subarray(data));
  }

  /** The stream ended: what is held is data. */
  end(): void {
    this.clearTimer();
    const rest = this.held;
    this.held = Buffer.alloc(0);
    this.data(rest);
  }

  private isNotice(line: string): boolean {
    return NAMELESS.test(line) || line.includes(this.quoted);
  }

  private data(chunk: Buffer): void {
    if (chunk.length > 0) this.options.onData(chunk);
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.held = Buffer.from(bytes);
    this.timer = setTimeout(() => this.end(), HOLD_MS);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** How many bytes at the end of `buffer` (from `from` on) are a proper prefix of "tail: ". */
function partialPrefix(buffer: Buffer, from: number): number {
  for (let start = Math.max(0, from); start < buffer.length; start++) {
    const tail = buffer.subarray(start);
    if (PREFIX.subarray(0, tail.length).equals(tail)) return tail.length;
  }
  return 0;
}
