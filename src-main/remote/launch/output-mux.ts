/**
 * The remote output multiplexer ("mux") of a launch over a reconnecting link: a small Python
 * program (`remote/python/output_mux.py`, whose docstring says what it does), run by the
 * profile's interpreter as `python -I -S -c OUTPUT_MUX <file> <command…>`. It starts `<command…>`
 * with its stdout and stderr on two pipes — the stdout pipe also carries, as marked records, the
 * program's Python-level stderr writes (the launch's sitecustomize writes them there), so those
 * keep their exact place among stdout — and appends what it reads, in the order read, to ONE file
 * of framed records (`output-frames.ts` reads them back), so stdout and stderr keep their real
 * relative order whatever the transport does later. Its environment comes as one line on stdin
 * ({@link muxStdin}), so it never appears in a command line.
 */
import OUTPUT_MUX from '../python/output_mux.py';

/** The mux's Python source; argv: `<file> <command> [args…]`. */
export { OUTPUT_MUX };

/**
 * The first line the mux reads from its stdin: the program's environment variables as one JSON
 * object (`NAME` → value) and a newline. With `sudoPassword` (a launch under sudo that needs
 * one), the object also holds `PERISCOPE_SUDO_PASSWORD`, which the mux hands to `sudo -S` and
 * never passes on.
 */
export function muxStdin(
  env: readonly { name: string; value: string }[],
  sudoPassword?: string,
): string {
  const vars: Record<string, string> = Object.fromEntries(env.map((v) => [v.name, v.value]));
  if (sudoPassword !== undefined) vars['PERISCOPE_SUDO_PASSWORD'] = sudoPassword;
  return `${JSON.stringify(vars)}\n`;
}
