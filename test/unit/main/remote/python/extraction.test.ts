/**
 * Characterisation of the remote helper programs moved from TypeScript strings into
 * src-main/remote/python/*.py: `before/` holds each program exactly as the string the app sent
 * (interpolations resolved). Each test shows the file the app sends now is the same program:
 * the same Python syntax tree (`ast.dump`), once the module docstring each file gained is left
 * out and the documented edits below are applied to the old text. Comments do not count.
 * A helper that changes on purpose later leaves this list, with the reason in its commit.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import PICK_PORT from '../../../../../src-main/remote/python/pick_port.py';
import PROBE from '../../../../../src-main/remote/python/preflight_probe.py';
import WAIT_LISTENING from '../../../../../src-main/remote/python/wait_listening.py';

/** The syntax tree of `source` without its module docstring, as `ast.dump` prints it. */
function syntaxTree(source: string): string {
  const dump = [
    'import ast, sys',
    'tree = ast.parse(sys.stdin.read())',
    'body = tree.body',
    'if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):',
    '    body = body[1:]',
    'print(ast.dump(ast.Module(body=body, type_ignores=[])))',
  ].join('\n');
  return execFileSync('/usr/bin/python3', ['-c', dump], { input: source, encoding: 'utf8' });
}

const before = (name: string): string =>
  readFileSync(new URL(`./before/${name}`, import.meta.url), 'utf8');

/** Each helper: what the app sends now, and the edits made on purpose to the old text. */
const helpers: { name: string; now: string; edits?: [string, string][] }[] = [
  {
    name: 'pick_port.py',
    now: PICK_PORT,
    // pyflakes reports a plain `import debugpy` as unused; __import__ imports it all the same.
    edits: [['    import debugpy\n', '    __import__("debugpy")\n']],
  },
  { name: 'wait_listening.py', now: WAIT_LISTENING },
  {
    name: 'preflight_probe.py',
    now: PROBE,
    // The marker the TypeScript side reads is a named constant (checked by markers.test.ts).
    edits: [
      [
        'import json, os, socket, sys\n',
        'import json, os, socket, sys\nMARKER = "__periscope_preflight__ "\n',
      ],
      ['print("__periscope_preflight__ " + json.dumps(out))', 'print(MARKER + json.dumps(out))'],
      // Issue 10: no more gdb on PATH; each injector is proved on a throwaway process instead.
      [
        '    out["gdb"] = next((os.path.join(d, "gdb") for d in os.environ.get("PATH", "").split(os.pathsep) if os.access(os.path.join(d, "gdb"), os.X_OK)), None)\n',
        '',
      ],
    ],
  },
];

describe('remote helper programs: the same program as before the extraction', () => {
  it.each(helpers)('$name', ({ name, now, edits = [] }) => {
    let old = before(name);
    for (const [from, to] of edits) {
      expect(old).toContain(from);
      old = old.replace(from, to);
    }
    expect(syntaxTree(now)).toBe(syntaxTree(old));
  });
});
