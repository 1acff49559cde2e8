/**
 * Follows the terminal's cursor column through the text written to it, so the console knows
 * whether program output stopped mid-line (e.g. `input("Name: ")` or `print(…, end="")`) and where,
 * without asking xterm.js (whose parser runs asynchronously).
 *
 * Model: ECMA-48 / xterm with `convertEol: false`. `\r` goes to column 0, `\n` keeps the column,
 * `\b` steps back, `\t` goes to the next multiple of 8, CUP/HVP/CHA/CUF/CUB move the cursor, other
 * escape sequences do not; printable characters advance one column and wrap at the right margin.
 * Wide (CJK) characters are counted as one column. Column `cols` means "pending wrap": the last
 * column was written and the next character goes to the next row.
 */
export class OutputColumnTracker {
  private col = 0;
  /** An escape sequence split across writes, kept until it is complete. */
  private pendingEscape = '';

  /** The cursor column, 0-based; equals the terminal width while a wrap is pending. */
  get column(): number {
    return this.col;
  }

  /** Forgets the position (column 0). */
  reset(): void {
    this.col = 0;
    this.pendingEscape = '';
  }

  /** Advances over `text` written to a terminal `cols` columns wide. */
  feed(text: string, cols: number): void {
    const width = Math.max(1, cols);
    const data = this.pendingEscape + text;
    this.pendingEscape = '';
    let i = 0;
    while (i < data.length) {
      const ch = data.charAt(i);
      if (ch === '\x1b') {
        const length = escapeLength(data, i);
        if (length === 0) {
          this.pendingEscape = data.slice(i);
          break;
        }
        this.applyEscape(data.slice(i, i + length), width);
        i += length;
        continue;
      }
      const code = ch.charCodeAt(0);
      if (ch === '\r') this.col = 0;
      else if (ch === '\b') this.col = Math.max(0, Math.min(this.col, width - 1) - 1);
      else if (ch === '\t') this.col = Math.min(width - 1, (Math.floor(this.col / 8) + 1) * 8);
      else if (code >= 0x20 && code !== 0x7f && !(code >= 0xdc00 && code <= 0xdfff)) {
        if (this.col >= width) this.col = 0;
        this.col += 1;
      }
      i += 1;
    }
  }

  private applyEscape(sequence: string, width: number): void {
    // eslint-disable-next-line no-control-regex -- matching terminal escape sequences (ESC, BEL) is the point
    const csi = /^\x1b\[([0-9;]*)([@-~])$/.exec(sequence);
    if (csi === null) return;
    const params = (csi[1] ?? '').split(';').map((p) => (p === '' ? 0 : Number(p)));
    const first = params[0] || 1;
    switch (csi[2]) {
      case 'H':
      case 'f':
        this.col = Math.min(width - 1, (params[1] || 1) - 1);
        break;
      case 'G':
      case '`':
        this.col = Math.min(width - 1, first - 1);
        break;
      case 'C':
        this.col = Math.min(width - 1, this.col + first);
        break;
      case 'D':
        this.col = Math.max(0, Math.min(this.col, width - 1) - first);
        break;
    }
  }
}

/**
 * Length of the escape sequence starting at `start` (an ESC), or 0 when `data` ends before the
 * sequence does. Handles CSI, OSC (ended by BEL or ST) and two/three-byte ESC sequences.
 */
function escapeLength(data: string, start: number): number {
  const next = data.charAt(start + 1);
  if (next === '') return 0;
  if (next === '[') {
    for (let i = start + 2; i < data.length; i += 1) {
      const code = data.charCodeAt(i);
      if (code >= 0x40 && code <= 0x7e) return i - start + 1;
    }
    return 0;
  }
  if (next === ']' || next === 'P' || next === '_' || next === '^') {
    for (let i = start + 2; i < data.length; i += 1) {
      if (data.charAt(i) === '\x07') return i - start + 1;
      if (data.charAt(i) === '\x1b' && data.charAt(i + 1) === '\\') return i - start + 2;
    }
    return 0;
  }
  const code = next.charCodeAt(0);
  if (code >= 0x20 && code <= 0x2f) return data.length > start + 2 ? 3 : 0; // ESC ( B and friends
  return 2;
}
