/**
 * The launch's `sitecustomize` (`remote/python/sitecustomize.py`, whose docstring says what it
 * does): Periscope cannot change debugpy on the remote machine, so it starts the program with this
 * hook first on `PYTHONPATH`. It makes debugpy fast (TCP_NODELAY on loopback sockets, a shorter
 * poll of a paused thread's commands) and writes the program's stderr writes into its stdout
 * pipe as records, so the output mux keeps their exact place among stdout (stdout itself stays
 * Python's own, with no Python-level call per `print`). This writes it into a fresh temporary directory on
 * the remote machine and names that directory for `PYTHONPATH`.
 */
import { shellQuote } from '../../ssh/exec/shell-quote.js';
import SITECUSTOMIZE from '../python/sitecustomize.py';
import PERISCOPE_CAPTURE from '../python/periscope_capture.py';

/**
 * A debugpy stepping rule (its `rules` attach setting: glob `path`, `include: false`) that keeps
 * the hook out of the user's stepping, with or without justMyCode: a write to `sys.stderr`
 * (`print(..., file=sys.stderr)`, logging) runs the hook's stream wrapper in Python, and without
 * this Step Into lands there — in a file the adapter has already deleted.
 */
export const HOOK_STEPPING_RULE = Object.freeze({
  path: '**/periscope-site.*/sitecustomize.py',
  include: false,
});

/** The hook's Python source. */
export { SITECUSTOMIZE };

/**
 * A POSIX shell fragment that writes the hook into a fresh temporary directory and leaves its
 * path in `$periscope_site`; follow it with `&&`. Use `nodelayPythonPath()` in the command's env.
 * With `capture`, the crash capture module (`periscope_capture.py`) goes beside it, and the hook
 * turns capture on in the program (not in debugpy's adapter): see `sitecustomize.py`.
 */
export function writeNodelayHook(capture = false): string {
  return (
    'periscope_site=$(mktemp -d "${TMPDIR:-/tmp}/periscope-site.XXXXXX") && ' +
    `printf '%s' ${shellQuote(SITECUSTOMIZE)} > "$periscope_site/sitecustomize.py"` +
    (capture
      ? ` && printf '%s' ${shellQuote(PERISCOPE_CAPTURE)} > "$periscope_site/periscope_capture.py"`
      : '')
  );
}

/** The `PYTHONPATH=…` assignment (for `env`) that puts the hook first, keeping the user's path. */
export function nodelayPythonPath(): string {
  return 'PYTHONPATH="$periscope_site${PYTHONPATH:+:$PYTHONPATH}"';
}
