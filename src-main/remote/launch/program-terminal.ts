/**
 * The pseudo-terminal of a launched program (launch.json's `console` `integratedTerminal` or
 * `externalTerminal`): the output mux (`remote/python/output_mux.py`) runs the program on a pty's
 * slave when its environment has `PERISCOPE_PTY=<cols>x<rows>`, and follows a `winsize` file in
 * its output directory for later sizes. This module writes that file: one `COLS ROWS` line into a
 * temporary name, renamed over `winsize` (rename(2) is atomic, so the mux never reads half a
 * line), over whichever SSH connection is up, so a resize survives a reconnect like input does.
 */
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { SshError } from '../../ssh/ssh-error.js';
import { shellQuote } from '../../ssh/exec/shell-quote.js';

/** A terminal's size in character cells. */
export interface TerminalSize {
  /** Columns, 1–9999. */
  cols: number;
  /** Rows, 1–9999. */
  rows: number;
}

/** The size a program's terminal starts with when the client gave none (a VT100's). */
export const DEFAULT_TERMINAL_SIZE: Readonly<TerminalSize> = { cols: 80, rows: 24 };

/** Largest number of columns or rows the mux takes (`parse_size` in `output_mux.py`). */
export const MAX_TERMINAL_CELLS = 9999;

/** `size` with each dimension a whole number from 1 to {@link MAX_TERMINAL_CELLS}. */
export function clampTerminalSize(size: TerminalSize): TerminalSize {
  const clamp = (n: number): number =>
    Math.min(MAX_TERMINAL_CELLS, Math.max(1, Math.round(Number.isFinite(n) ? n : 1)));
  return { cols: clamp(size.cols), rows: clamp(size.rows) };
}

/** The mux's environment word that gives the program a terminal of `size`. */
export function ptyVariable(size: TerminalSize): string {
  const { cols, rows } = clampTerminalSize(size);
  return `PERISCOPE_PTY=${cols}x${rows}`;
}

/**
 * Sets the window size of the program's terminal: rewrites `<outputDir>/winsize` over
 * `connection` (the mux applies it within 100 ms; the program gets SIGWINCH).
 * @throws SshError `ssh-failed` when the link is down; Error when the command fails (the program
 *   has ended and its directory is gone).
 */
export async function resizeProgramTerminal(
  connection: SshConnection | undefined,
  outputDir: string,
  size: TerminalSize,
  host: string,
  place: (command: string) => string,
): Promise<void> {
  if (!connection)
    throw new SshError('ssh-failed', `the SSH connection to ${host} is down; resize again later`);
  const { cols, rows } = clampTerminalSize(size);
  const dir = shellQuote(outputDir);
  // `[ -p stdin ]`: only while the mux's directory is there (never recreate it after the end).
  const command = `cd ${dir} && [ -p stdin ] && printf '%s\\n' '${cols} ${rows}' > winsize.$$ && exec mv -f winsize.$$ winsize`;
  const result = await connection.run(place(command));
  if (result.code !== 0) throw new Error('the program has ended: its terminal is closed');
}
