/**
 * A tiny terminal screen for tests: enough of ECMA-48/xterm to check what the console draws
 * (printable text with auto-wrap and pending wrap, CR, LF with scrolling, CUU, CUD, CHA, CUP,
 * ED 0/2/3, EL; SGR and DEC private modes are ignored). Not a general emulator.
 */
export class ScreenModel {
  /** All rows, scrollback included; the screen is the last `rows` of them. */
  readonly lines: string[][] = [[]];
  private x = 0;
  private y = 0; // index into `lines`
  private wrapPending = false;

  constructor(
    readonly cols: number,
    readonly rows = 1000,
  ) {}

  write(data: string): void {
    let i = 0;
    while (i < data.length) {
      const ch = data.charAt(i);
      if (ch === '\x1b') {
        // eslint-disable-next-line no-control-regex -- matching terminal escape sequences (ESC, BEL) is the point
        const csi = /^\x1b\[([?0-9;]*)([@-~])/.exec(data.slice(i));
        if (csi !== null) {
          this.csi(csi[1] ?? '', csi[2] ?? '');
          i += csi[0].length;
          continue;
        }
        i += 2;
        continue;
      }
      if (ch === '\r') {
        this.x = 0;
        this.wrapPending = false;
      } else if (ch === '\n') {
        this.lineFeed();
      } else if (ch >= ' ') {
        if (this.wrapPending) {
          this.wrapPending = false;
          this.x = 0;
          this.lineFeed();
        }
        const line = this.line(this.y);
        while (line.length < this.x) line.push(' ');
        line[this.x] = ch;
        if (this.x === this.cols - 1) this.wrapPending = true;
        else this.x += 1;
      }
      i += 1;
    }
  }

  /** The text of every row, trailing spaces trimmed, trailing empty rows dropped. */
  text(): string[] {
    const rows = this.lines.map((l) => l.join('').replace(/\s+$/, ''));
    while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
    return rows;
  }

  /** Cursor position: row index into all lines, column. */
  get cursor(): { row: number; col: number } {
    return { row: this.y, col: this.x };
  }

  private line(y: number): string[] {
    while (this.lines.length <= y) this.lines.push([]);
    return this.lines[y] as string[];
  }

  private lineFeed(): void {
    this.y += 1;
    this.line(this.y);
  }

  private csi(params: string, final: string): void {
    if (params.startsWith('?')) return;
    const n = params.split(';').map((p) => (p === '' ? 0 : Number(p)));
    const first = n[0] || 1;
    const top = Math.max(0, this.lines.length - this.rows);
    switch (final) {
      case 'A':
        this.y = Math.max(top, this.y - first);
        this.wrapPending = false;
        break;
      case 'B':
        this.y += first;
        this.line(this.y);
        this.wrapPending = false;
        break;
      case 'G':
        this.x = Math.min(this.cols - 1, first - 1);
        this.wrapPending = false;
        break;
      case 'H':
        this.y = top + (n[0] || 1) - 1;
        this.x = (n[1] || 1) - 1;
        this.line(this.y);
        this.wrapPending = false;
        break;
      case 'J':
        if ((n[0] ?? 0) === 0) {
          this.line(this.y).splice(this.x);
          this.lines.splice(this.y + 1);
        } else if (n[0] === 3 || n[0] === 2) {
          this.lines.splice(0, this.lines.length, []);
          this.y = 0;
        }
        break;
      case 'K':
        this.line(this.y).splice(this.x);
        break;
    }
  }
}
