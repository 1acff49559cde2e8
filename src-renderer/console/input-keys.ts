/**
 * Turns what xterm.js reports through `Terminal.onData` into editing keys.
 *
 * xterm sends what a VT220/xterm keyboard would: printable text as is, Enter as `\r`, Backspace as
 * DEL (`\x7f`), Ctrl+letter as the C0 control, and cursor keys as CSI (`ESC [ A`) or, in
 * application cursor mode, SS3 (`ESC O A`) sequences; `ESC [ 1 ; 5 C` is Ctrl+Right. A paste comes
 * as one string with line breaks turned into `\r`, or wrapped in `ESC [200~ … ESC [201~` when
 * bracketed paste mode (DEC private mode 2004) is on.
 */

/** Keys other than text: Enter, deletions, cursor moves, history, Ctrl+C (`cancel`), kills. */
export type EditingKeyType =
  | 'enter'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'wordLeft'
  | 'wordRight'
  | 'home'
  | 'end'
  | 'up'
  | 'down'
  | 'cancel'
  | 'killToStart'
  | 'killToEnd'
  | 'killWordBackward'
  /** Ctrl+D: end of input (sent to a running program's stdin on an empty line). */
  | 'endOfInput'
  /** A Tab key pressed on its own: completion, or indentation at the start of a line. */
  | 'tab';

/** One editing action of the console's line editor. */
export type InputKey = { type: 'text'; text: string } | { type: EditingKeyType };

/** Spaces a Tab inserts (the console shows no tab characters so columns stay predictable). */
export const TAB_SPACES = '    ';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

const CONTROL_KEYS: Record<string, EditingKeyType> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x01': 'home',
  '\x05': 'end',
  '\x02': 'left',
  '\x06': 'right',
  '\x03': 'cancel',
  '\x04': 'endOfInput',
  '\x15': 'killToStart',
  '\x0b': 'killToEnd',
  '\x17': 'killWordBackward',
  '\x10': 'up',
  '\x0e': 'down',
};

const FINAL_KEYS: Record<string, EditingKeyType> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
};

const TILDE_KEYS: Record<string, EditingKeyType> = {
  '1': 'home',
  '7': 'home',
  '3': 'delete',
  '4': 'end',
  '8': 'end',
};

/** CSI (`ESC [`) or SS3 (`ESC O`) sequence: parameters, intermediates, final byte. */
// eslint-disable-next-line no-control-regex -- matching terminal escape sequences (ESC, BEL) is the point
const SEQUENCE = /\x1b(?:\[([0-?]*)[ -/]*([@-~])|O([@-~]))/y;

/**
 * Parses one `onData` string into keys, in order. Runs of printable characters become one `text`
 * key; a Tab key alone is `tab`, a Tab among other text becomes {@link TAB_SPACES}; unknown escape sequences and other control characters are
 * dropped. Pasted text (bracketed or not) yields `text` and `enter` keys line by line.
 */
export function parseInputKeys(data: string): InputKey[] {
  // A lone Tab is the Tab key (completion); tabs inside typed-ahead or pasted text are spaces.
  if (data === '\t') return [{ type: 'tab' }];
  const keys: InputKey[] = [];
  let text = '';
  const flushText = (): void => {
    if (text !== '') keys.push({ type: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < data.length) {
    if (data.startsWith(PASTE_START, i)) {
      flushText();
      const end = data.indexOf(PASTE_END, i + PASTE_START.length);
      const pasted = data.slice(i + PASTE_START.length, end === -1 ? data.length : end);
      keys.push(...parsePastedText(pasted));
      i = end === -1 ? data.length : end + PASTE_END.length;
      continue;
    }
    const ch = data.charAt(i);
    if (ch === '\x1b') {
      flushText();
      SEQUENCE.lastIndex = i;
      const match = SEQUENCE.exec(data);
      if (match === null) {
        // A sequence cut off at the end of the data is dropped; a lone ESC (or Alt+key) too.
        const next = data.charAt(i + 1);
        i = next === '[' || next === 'O' ? data.length : i + 1;
        continue;
      }
      const key = sequenceKey(match[1] ?? '', match[2] ?? match[3] ?? '');
      if (key !== null) keys.push({ type: key });
      i += match[0].length;
      continue;
    }
    const control = CONTROL_KEYS[ch];
    if (control !== undefined) {
      flushText();
      keys.push({ type: control });
      if (ch === '\r' && data.charAt(i + 1) === '\n') i += 1;
      i += 1;
      continue;
    }
    if (ch === '\t') text += TAB_SPACES;
    else if (isPrintable(ch)) text += ch;
    i += 1;
  }
  flushText();
  return keys;
}

/** Pasted text: each line becomes a `text` key, line breaks become `enter` keys. */
export function parsePastedText(pasted: string): InputKey[] {
  const keys: InputKey[] = [];
  const lines = pasted.split(/\r\n|\r|\n/);
  lines.forEach((line, index) => {
    if (index > 0) keys.push({ type: 'enter' });
    const text = [...line.replace(/\t/g, TAB_SPACES)].filter(isPrintable).join('');
    if (text !== '') keys.push({ type: 'text', text });
  });
  return keys;
}

function sequenceKey(params: string, final: string): EditingKeyType | null {
  if (final === '~') return TILDE_KEYS[params.split(';')[0] ?? ''] ?? null;
  const key = FINAL_KEYS[final];
  if (key === undefined) return null;
  // `1;5C` (Ctrl), `1;3C` (Alt): move by word.
  const modifier = Number(params.split(';')[1] ?? '1');
  if (modifier > 1 && key === 'left') return 'wordLeft';
  if (modifier > 1 && key === 'right') return 'wordRight';
  return key;
}

function isPrintable(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0);
}
