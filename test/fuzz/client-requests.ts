/**
 * Hostile DAP requests from a client (a DAP client of a session's endpoint, or the `dap` messages
 * of the WebSocket protocol): every command the relay answers itself or passes on, with arguments
 * mutated field by field, `seq` and `command` wrong now and then, and unknown commands.
 */
import type { FuzzRandom } from './fuzz-random.js';
import { deepAtSizeLimit, hostileValue } from './hostile-json.js';
import { arrayOf, hostileObject, type FieldSpec } from './hostile-object.js';

const int = (max: number) => (rng: FuzzRandom) => String(rng.int(max));
const str =
  (...values: string[]) =>
  (rng: FuzzRandom) =>
    JSON.stringify(rng.pick(values));
const bool = (rng: FuzzRandom) => rng.pick(['true', 'false']);
const thread: FieldSpec = ['threadId', int(4)];

/** Each command a client sends, with its arguments' fields. */
export const CLIENT_COMMANDS: Record<string, readonly FieldSpec[]> = {
  initialize: [
    ['clientID', str('vscode', 'nvim-dap')],
    ['clientName', str('Visual Studio Code', '')],
    ['adapterID', str('python', 'debugpy')],
    ['linesStartAt1', bool],
    ['pathFormat', str('path', 'uri')],
    ['supportsStartDebuggingRequest', bool],
    ['supportsRunInTerminalRequest', bool],
  ],
  attach: [
    ['name', str('x')],
    ['__periscopeSession', str('s1', 's2', 'x')],
    ['justMyCode', bool],
  ],
  launch: [['program', str('/tmp/x.py')]],
  configurationDone: [],
  threads: [],
  stackTrace: [thread, ['startFrame', int(3)], ['levels', int(20)]],
  scopes: [['frameId', int(9)]],
  variables: [
    ['variablesReference', int(9)],
    ['filter', str('indexed', 'named')],
    ['start', int(10)],
    ['count', int(100)],
  ],
  evaluate: [
    ['expression', str('1+1', 'total', '')],
    ['frameId', int(9)],
    ['context', str('repl', 'watch', 'hover', 'clipboard')],
  ],
  setBreakpoints: [
    [
      'source',
      (r) =>
        hostileObject(r, [
          ['path', str('/tmp/x.py', '')],
          ['name', str('x.py')],
        ]),
    ],
    [
      'breakpoints',
      (r) =>
        arrayOf(r, r.int(4), (q) =>
          hostileObject(q, [
            ['line', int(500)],
            ['condition', str('x > 1')],
            ['hitCondition', str('3')],
            ['logMessage', str('{x}')],
          ]),
        ),
    ],
    ['sourceModified', bool],
  ],
  setExceptionBreakpoints: [['filters', (r) => arrayOf(r, r.int(3), str('raised', 'uncaught'))]],
  setFunctionBreakpoints: [
    ['breakpoints', (r) => arrayOf(r, r.int(3), (q) => hostileObject(q, [['name', str('main')]]))],
  ],
  continue: [thread],
  next: [thread, ['granularity', str('line', 'statement')]],
  stepIn: [thread],
  stepOut: [thread],
  pause: [thread],
  source: [
    ['sourceReference', int(9)],
    ['source', (r) => hostileObject(r, [['path', str('/etc/hostname')]])],
  ],
  setVariable: [
    ['variablesReference', int(9)],
    ['name', str('x')],
    ['value', str('1')],
  ],
  completions: [
    ['text', str('tot')],
    ['column', int(4)],
    ['frameId', int(9)],
  ],
  exceptionInfo: [thread],
  disconnect: [
    ['terminateDebuggee', bool],
    ['restart', bool],
    ['suspendDebuggee', bool],
  ],
  terminate: [['restart', bool]],
  cancel: [
    ['requestId', int(9)],
    ['progressId', str('p1')],
  ],
};

const COMMANDS = Object.keys(CLIENT_COMMANDS);
/** Commands that end a session or its link: sent rarely, so the session lives a while. */
const ENDING = new Set(['disconnect', 'terminate']);

/** The command of the next request: known ones (rarely an ending one) or a malformed name. */
function command(rng: FuzzRandom): string {
  if (rng.chance(0.04))
    return rng.pick([
      '',
      'x y',
      '1abc',
      '__proto__',
      'constructor',
      'a'.repeat(101),
      'runInTerminal',
      'startDebugging',
    ]);
  for (;;) {
    const c = rng.pick(COMMANDS);
    if (!ENDING.has(c) || rng.chance(0.05)) return c;
  }
}

/** The JSON text of one hostile client request with sequence number `seq`. */
export function clientRequest(rng: FuzzRandom, seq: number): string {
  if (rng.chance(0.0003))
    return deepAtSizeLimit(
      `{"seq":${seq},"type":"request","command":"evaluate","arguments":{"x":`,
      '}}',
      16 * 1024 * 1024,
    );
  const name = command(rng);
  const fields = Object.hasOwn(CLIENT_COMMANDS, name) ? (CLIENT_COMMANDS[name] ?? []) : [];
  return hostileObject(
    rng,
    [
      ['seq', () => (rng.chance(0.05) ? hostileValue(rng) : String(seq))],
      ['type', () => (rng.chance(0.03) ? hostileValue(rng) : '"request"')],
      ['command', JSON.stringify(name)],
      ['arguments', () => (rng.chance(0.05) ? hostileValue(rng) : hostileObject(rng, fields))],
    ],
    { pHostile: 0.02, pMissing: 0.02 },
  );
}
