/**
 * Why a breakpoint will not stop the program, in plain words, and what would fix it.
 *
 * debugpy 1.6 answers `setBreakpoints` per breakpoint (pydevd `_create_breakpoint_from_add_breakpoint_result`):
 * - `Breakpoint in file that does not exist.` — after path mapping, the file is not on the
 *   remote machine (pydevd checks the file system there);
 * - `Breakpoint in file excluded by filters.` — library code while justMyCode is on;
 * - `Waiting for code to be loaded to verify breakpoint.` — templates, verified later;
 * - verified with another `line` — the line has no code and was moved to the previous line
 *   that has some.
 * This module turns that, the profile's path mappings and the launched program's path into an
 * explanation with fixes. Pure: no I/O.
 */
import type { PathMapping } from '../../../src-common/protocol/profile.js';
import type { BreakpointStatus } from '../../debug/session-view.js';
import { dirName, matchMapping, suggestMapping } from '../../../src-common/path-mapping.js';

/** A fix the UI offers for an explanation. */
export type BreakpointFix =
  /** Save this mapping in the profile (at `replaceIndex`, else first in the list). */
  | { kind: 'set-mapping'; mapping: PathMapping; replaceIndex?: number }
  /** Open the profile editor with this mapping row added (the user completes it). */
  | { kind: 'edit-mappings'; draft: PathMapping }
  /** Turn the profile's justMyCode off. */
  | { kind: 'just-my-code-off' }
  /** Move the breakpoint to the line debugpy placed it on. */
  | { kind: 'move-line'; line: number };

/** Why a breakpoint does not (or may not) stop, for the marker's tooltip and the panel. */
export interface BreakpointExplanation {
  kind:
    | 'no-mapping'
    | 'remote-file-missing'
    | 'just-my-code'
    | 'line-moved'
    | 'no-code'
    | 'pending'
    | 'request-failed'
    | 'other';
  /** One or two plain sentences. */
  text: string;
  /** Whether the breakpoint is verified all the same (moved or on a line without code). */
  verified: boolean;
  fixes: BreakpointFix[];
}

/** What the explanation may use besides the tracer's answer. */
export interface ExplainContext {
  /** The profile's path mappings (as sent at attach). */
  mappings: readonly PathMapping[];
  /** Absolute path of the launched program on the remote machine, when known. */
  programPath: string | null;
  /** Text of the breakpoint's line in the laptop file, when loaded. */
  lineText?: string | null;
}

const FILE_NOT_FOUND = /file that does not exist/i;
const EXCLUDED = /excluded by filters|justMyCode/i;
const PENDING = /waiting for code to be loaded/i;
const LIBRARY_PATH = /[\\/](site-packages|dist-packages)[\\/]|[\\/]lib[\\/]python\d+(\.\d+)?[\\/]/;

/** True for files under site-packages, dist-packages or a Python standard library directory. */
export function isLibraryPath(path: string): boolean {
  return LIBRARY_PATH.test(path);
}

/** True when a Python source line has no code (blank, or only a comment). */
export function isLineWithoutCode(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/**
 * Explains the status of the breakpoint at `path:line`, or returns null when it is verified on
 * its own line and nothing is wrong.
 */
export function explainBreakpoint(
  path: string,
  line: number,
  status: BreakpointStatus,
  context: ExplainContext,
): BreakpointExplanation | null {
  const message = status.message ?? '';
  if (!status.verified) {
    if (FILE_NOT_FOUND.test(message)) return explainMissingFile(path, context);
    if (EXCLUDED.test(message)) {
      return {
        kind: 'just-my-code',
        verified: false,
        text: `justMyCode is on and ${fileName(path)} is ${
          isLibraryPath(path)
            ? 'library code (installed package or standard library)'
            : 'not counted as your code'
        }: debugpy ignores breakpoints there. Turn justMyCode off to stop in it.`,
        fixes: [{ kind: 'just-my-code-off' }],
      };
    }
    if (PENDING.test(message)) {
      return {
        kind: 'pending',
        verified: false,
        text: 'debugpy verifies this breakpoint when the code of the file is loaded.',
        fixes: [],
      };
    }
    if (message && status.id === undefined) {
      return {
        kind: 'request-failed',
        verified: false,
        text: `The debugger refused the breakpoints of this file: ${message}`,
        fixes: [],
      };
    }
    return {
      kind: 'other',
      verified: false,
      text: message ? `debugpy: ${message}` : 'The debugger has not verified this breakpoint.',
      fixes: [],
    };
  }
  if (status.actualLine !== undefined && status.actualLine !== line) {
    return {
      kind: 'line-moved',
      verified: true,
      text: `Line ${line} has no code. debugpy placed the breakpoint on line ${status.actualLine}, the nearest line before it that has code.`,
      fixes: [{ kind: 'move-line', line: status.actualLine }],
    };
  }
  if (
    context.lineText !== undefined &&
    context.lineText !== null &&
    isLineWithoutCode(context.lineText)
  ) {
    return {
      kind: 'no-code',
      verified: true,
      text: `Line ${line} is blank or a comment and no code comes before it: the program can never stop here.`,
      fixes: [],
    };
  }
  return null;
}

function explainMissingFile(path: string, context: ExplainContext): BreakpointExplanation {
  const matched = matchMapping(path, context.mappings);
  const suggestion = context.programPath ? suggestMapping(path, context.programPath) : null;
  const fixes: BreakpointFix[] = [];
  if (matched) {
    const { mapping, remotePath, index } = matched;
    if (suggestion) {
      const sameLocal = trimEnd(suggestion.localRoot) === trimEnd(mapping.localRoot);
      fixes.push(
        sameLocal
          ? { kind: 'set-mapping', mapping: suggestion, replaceIndex: index }
          : { kind: 'set-mapping', mapping: suggestion },
      );
    }
    fixes.push({
      kind: 'edit-mappings',
      draft: suggestion ?? { localRoot: dirName(path), remoteRoot: '' },
    });
    return {
      kind: 'remote-file-missing',
      verified: false,
      text: `The path mapping ${mapping.localRoot} → ${mapping.remoteRoot} turns this file into ${remotePath}, but that file does not exist on the remote machine.`,
      fixes,
    };
  }
  if (suggestion) fixes.push({ kind: 'set-mapping', mapping: suggestion });
  fixes.push({
    kind: 'edit-mappings',
    draft: suggestion ?? { localRoot: dirName(path), remoteRoot: '' },
  });
  return {
    kind: 'no-mapping',
    verified: false,
    text:
      context.mappings.length === 0
        ? `The profile has no path mappings, and the remote machine has no file at ${path}. Add a mapping from the laptop folder to the folder on the remote machine.`
        : `No path mapping of the profile covers ${path}, and the remote machine has no file at that path. Add a mapping for its folder.`,
    fixes,
  };
}

function trimEnd(root: string): string {
  return root.trim().replace(/[\\/]+$/, '');
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
