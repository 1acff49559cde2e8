/**
 * Keystrokes for a program that runs in a terminal (the session's `terminal`: launch.json's
 * `console` `integratedTerminal`): what xterm.js reports through `onData` is sent raw, in order,
 * one request at a time; what is typed while a request is under way is sent together after it,
 * so a fast typist or a paste never reorders and never floods the backend with one request per
 * key. Size changes go the same way, latest wins.
 */

/** Sends raw text to the program's terminal; resolves with an error to show, or null. */
export type SendKeys = (text: string) => Promise<string | null>;

/** Sets the program terminal's size in cells; resolves with an error to show, or null. */
export type SendSize = (cols: number, rows: number) => Promise<string | null>;

/** Serializes and coalesces the keystrokes of one session's terminal (see the module comment). */
export class TerminalInput {
  private queued = '';
  private sending = false;
  private closed = false;

  /**
   * @param send writes one batch of keys.
   * @param onProblem receives the error of a batch that could not be sent (its keys are lost,
   *   as a terminal's would be when its line is down).
   */
  constructor(
    private readonly send: SendKeys,
    private readonly onProblem: (message: string) => void,
  ) {}

  /** Queues `data` (typed keys or a paste) behind everything queued before. */
  push(data: string): void {
    if (this.closed || data === '') return;
    this.queued += data;
    if (!this.sending) void this.drain();
  }

  /** Drops what is queued and sends nothing more (the session ended or the view went away). */
  close(): void {
    this.closed = true;
    this.queued = '';
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queued !== '' && !this.closed) {
        const batch = this.queued;
        this.queued = '';
        let problem: string | null;
        try {
          problem = await this.send(batch);
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
        }
        if (problem && !this.closed) this.onProblem(problem);
      }
    } finally {
      this.sending = false;
    }
  }
}

/**
 * The last size asked for, sent one request at a time: a burst of resizes (a window dragged)
 * sends the first and then only the latest.
 */
export class TerminalSizeSender {
  private wanted: { cols: number; rows: number } | null = null;
  private sent = '';
  private sending = false;

  constructor(private readonly send: SendSize) {}

  /** Asks for `cols` × `rows` (ignored when it is the size last sent). */
  resize(cols: number, rows: number): void {
    if (cols < 1 || rows < 1) return;
    this.wanted = { cols, rows };
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.wanted) {
        const { cols, rows } = this.wanted;
        this.wanted = null;
        const key = `${cols}x${rows}`;
        if (key === this.sent) continue;
        const problem = await this.send(cols, rows).catch(() => 'failed');
        if (!problem) this.sent = key;
      }
    } finally {
      this.sending = false;
    }
  }
}
