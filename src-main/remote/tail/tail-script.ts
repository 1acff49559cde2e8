/**
 * The remote side of {@link RemoteFileTail} (`remote-file-tail.ts`): the `sh` script that starts
 * one `tail -F` (GNU coreutils) and the parsing of what it says back.
 *
 * The script first kills tails of this file left on earlier, dropped connections (checked by
 * command line, since pids get reused), then decides where to start: at the next unread byte if
 * the file is still the one read before (same device and inode from GNU `stat -L -c '%d:%i %s'`)
 * and at least as long as what was read; else at byte 0 (the file was rotated or truncated
 * meanwhile, or is missing and will be read whole once it appears). It then prints one marker line
 * on stdout — `__periscope_tail__ <pid> <first byte, 1-based> <dev:ino or -> <size or ->
 * <merged 1|0> <name>` — and `exec`s `tail`, so the marker's pid is `tail`'s. Without GNU `stat`
 * (the line is empty) but with the file present, it starts at the next unread byte, as before the
 * identity check existed.
 *
 * For a name of printable ASCII (nearly every log file), tail's stderr is merged into its stdout
 * (`2>&1`, "merged" 1) so its notices come in the order tail wrote them, between the bytes of the
 * old and the new file (`tail-notices.ts` says why and splits them out again). tail runs in the
 * C locale, so it quotes the name predictably in its notices; `<name>` is the name as tail got
 * it (after `~/` expansion).
 */
import { remotePathWord } from '../../ssh/exec/remote-path.js';

/** The first stdout line of every tail script (followed by a space and the fields). */
export const TAIL_MARKER = '__periscope_tail__';

const MARKER_LINE = new RegExp(
  `(?:^|\\n)${TAIL_MARKER} (\\d+) (\\d+) (\\S+) (\\S+) ([01]) ([^\\n]*)\\n`,
);

/** Inputs of {@link tailScript}. */
export interface TailScriptOptions {
  /** The file as the user gave it: absolute, relative to the login directory, or `~/…`. */
  path: string;
  /** Bytes of the file already read (0-based offset of the next unread byte). */
  offset: number;
  /**
   * `dev:ino` of the file `offset` belongs to; undefined when not known (it was missing, or a new
   * file appeared and its identity was not learned yet): then only its size is compared.
   */
  identity: string | undefined;
  /** `tail --pid`: end once this remote process has exited and the file is read. */
  untilPid?: number;
  /** Pids of this file's tails from dropped connections, killed first if still such tails. */
  reap: readonly number[];
}

/** What the marker line says. */
export interface TailMarker {
  /** The remote `tail`'s pid. */
  pid: number;
  /** Offset (0-based) of the first byte this tail sends. */
  from: number;
  /** `dev:ino` of the file when the tail started; undefined when missing (or no GNU `stat`). */
  identity: string | undefined;
  /** The file's size in bytes when the tail started; undefined as `identity`. */
  size: number | undefined;
  /** tail's notices come in its stdout, in order (`tail-notices.ts`); else on its stderr. */
  merged: boolean;
  /** The file's name as tail got it (how its notices name it). */
  name: string;
}

/** One of `tail -F`'s stderr notices that changes which bytes come next (GNU coreutils 9 wording). */
export type TailSwitch =
  /** `x: file truncated`: the same file, read again from byte 0. */
  | 'truncated'
  /** `has appeared;  following new file`, `has been replaced;  following new file`, `has become accessible`: a new file, read from byte 0. */
  | 'new-file'
  /** `has become inaccessible`: no file now; the next one will be read from byte 0. */
  | 'gone';

/**
 * The shell script (for `sh -c`) that starts one tail; see the module comment. Numbers are
 * written as decimal literals, the path with {@link remotePathWord}; `identity` must be `\d+:\d+`.
 */
export function tailScript(options: TailScriptOptions): string {
  const { offset, identity, untilPid, reap } = options;
  if (identity !== undefined && !/^\d+:\d+$/.test(identity)) {
    throw new Error(`not a dev:ino identity: ${identity}`);
  }
  const changed = identity === undefined ? '' : ` || [ "$id" != ${identity} ]`;
  const tail = `tail -c "+$from" -s 0.2 ${untilPid ? `--pid=${untilPid} ` : ''}-F "$p"`;
  return [
    // tail quotes the name in its notices the same way everywhere (`tail-notices.ts`).
    'LC_ALL=C; export LC_ALL',
    `p=${remotePathWord(options.path)}`,
    ...(reap.length > 0 ? [reapLoop(reap)] : []),
    `id=-; size=-; from=${offset + 1}`,
    `s=$(stat -L -c '%d:%i %s' -- "$p" 2>/dev/null) || s=`,
    `if [ -n "$s" ]; then`,
    `  id=\${s% *}; size=\${s#* }`,
    `  if [ "$size" -lt ${offset} ]${changed}; then from=1; fi`,
    `elif [ ! -e "$p" ]; then from=1; fi`,
    `m=1; case "$p" in '' | *[!\\ -~]*) m=0;; esac`,
    `printf '%s %s %s %s %s %s %s\\n' ${TAIL_MARKER} "$$" "$from" "$id" "$size" "$m" "$p"`,
    `if [ "$m" = 1 ]; then exec ${tail} 2>&1; fi`,
    `exec ${tail}`,
  ].join('\n');
}

/**
 * A script that kills those of `pids` that are still `tail … -F <path>` (as {@link tailScript}
 * starts them; read from `/proc/<pid>/cmdline`, else `ps -o args=`), and nothing else. Exits 0.
 */
export function reapScript(path: string, pids: readonly number[]): string {
  return `p=${remotePathWord(path)}\n${reapLoop(pids)}\nexit 0`;
}

function reapLoop(pids: readonly number[]): string {
  const list = pids.map((pid) => String(Math.trunc(pid))).join(' ');
  return [
    `for t in ${list}; do`,
    `  if [ -r /proc/$t/cmdline ]; then c=$(tr '\\0' ' ' < /proc/$t/cmdline 2>/dev/null); else c="$(ps -o args= -p $t 2>/dev/null) "; fi`,
    `  case "$c" in "tail "*" -F $p ") kill $t 2>/dev/null;; esac`,
    `done`,
  ].join('\n');
}

/**
 * Finds the marker line in the first bytes of a tail's stdout (`head`: the bytes so far; anything
 * before it — a chatty login shell's output — is skipped). Returns the marker and how many bytes
 * of `head` it and what came before take, or undefined while no whole marker line has come.
 */
export function parseTailMarker(head: Buffer): { marker: TailMarker; length: number } | undefined {
  const match = MARKER_LINE.exec(head.toString('latin1'));
  if (!match) return undefined;
  const [line, pid, from, identity, size, merged, name] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const known = /^\d+:\d+$/.test(identity) && /^\d+$/.test(size);
  return {
    marker: {
      pid: Number(pid),
      from: Number(from) - 1,
      identity: known ? identity : undefined,
      size: known ? Number(size) : undefined,
      merged: merged === '1',
      name,
    },
    length: match.index + line.length,
  };
}

/** Which {@link TailSwitch} a line of `tail -F`'s stderr announces, if any. */
export function tailSwitchOf(line: string): TailSwitch | undefined {
  if (/: file truncated\s*$/.test(line)) return 'truncated';
  if (/has (appeared|been replaced);\s+following new file|has become accessible/.test(line)) {
    return 'new-file';
  }
  if (/has become inaccessible/.test(line)) return 'gone';
  return undefined;
}
