/**
 * The bodies of DAP messages a tracer sends, field by field, for {@link hostileObject}: the events,
 * response bodies and reverse-request arguments the relay reads (session state, stop cache, output
 * ring, thread list, breakpoints, child processes), each field with a valid value to mutate.
 */
import type { FuzzRandom } from './fuzz-random.js';
import { arrayOf, hostileObject, type FieldSpec } from './hostile-object.js';
import { hostileString } from './hostile-json.js';

const int = (max: number) => (rng: FuzzRandom) => String(rng.int(max));
const str =
  (...values: string[]) =>
  (rng: FuzzRandom) =>
    JSON.stringify(rng.pick(values));
const bool = (rng: FuzzRandom) => rng.pick(['true', 'false']);
const text = (rng: FuzzRandom) =>
  rng.chance(0.9) ? JSON.stringify(`line ${rng.int(1000)}\n`) : hostileString(rng, rng.size(12));

const source = (rng: FuzzRandom) =>
  hostileObject(rng, [
    ['path', str('/tmp/x.py', '<string>', '', 'C:\\x.py')],
    ['name', str('x.py')],
    ['sourceReference', int(10)],
  ]);

const breakpoint = (rng: FuzzRandom) =>
  hostileObject(rng, [
    ['id', int(100)],
    ['verified', bool],
    ['line', int(500)],
    ['message', str('ok')],
    ['source', source],
  ]);

const capabilities = (rng: FuzzRandom) =>
  hostileObject(rng, [
    ['supportsConfigurationDoneRequest', bool],
    ['supportsConditionalBreakpoints', bool],
    ['supportsSetVariable', bool],
    ['supportsStepBack', bool],
    ['supportsTerminateRequest', bool],
    ['supportTerminateDebuggee', bool],
    ['supportsExceptionInfoRequest', bool],
    [
      'exceptionBreakpointFilters',
      (r) =>
        arrayOf(r, r.int(4), (q) =>
          hostileObject(q, [
            ['filter', str('raised', 'uncaught', 'userUnhandled')],
            ['label', str('Raised')],
            ['default', bool],
          ]),
        ),
    ],
  ]);

/** The fields of a child process's attach configuration (debugpyAttach, startDebugging). */
const childConfiguration = (rng: FuzzRandom) =>
  hostileObject(rng, [
    ['name', str('Subprocess 4242')],
    ['request', str('attach')],
    ['type', str('python', 'debugpy')],
    ['subProcessId', (r) => String(r.range(2, 4_000_000))],
    [
      'connect',
      (r) =>
        hostileObject(r, [
          ['host', str('127.0.0.1', 'localhost', '::1', '')],
          // Port 1 on loopback: nothing listens there, so a relay that dials it fails at once.
          ['port', str('1')],
        ]),
    ],
    ['justMyCode', bool],
  ]);

/** Each event the relay reads, with its body's fields. */
export const EVENT_BODIES: Record<string, readonly FieldSpec[] | undefined> = {
  output: [
    ['category', str('stdout', 'stderr', 'console', 'important', 'telemetry')],
    ['output', text],
    ['variablesReference', int(3)],
    ['group', str('start', 'startCollapsed', 'end')],
    ['source', source],
    ['line', int(100)],
    ['data', (r) => hostileObject(r, [['x', int(9)]])],
  ],
  stopped: [
    ['reason', str('breakpoint', 'step', 'pause', 'exception', 'entry', 'goto')],
    ['threadId', int(4)],
    ['allThreadsStopped', bool],
    ['hitBreakpointIds', (r) => arrayOf(r, r.int(3), int(10))],
    ['description', str('Paused on breakpoint')],
    ['text', str('ValueError')],
    ['preserveFocusHint', bool],
  ],
  continued: [
    ['threadId', int(4)],
    ['allThreadsContinued', bool],
  ],
  thread: [
    ['reason', str('started', 'exited')],
    ['threadId', int(4)],
  ],
  exited: [['exitCode', int(256)]],
  terminated: [['restart', bool]],
  process: [
    ['name', str('/tmp/x.py', '')],
    ['systemProcessId', (r) => String(r.range(1, 4_000_000))],
    ['isLocalProcess', bool],
    ['startMethod', str('attach', 'launch')],
    ['pointerSize', str('64')],
  ],
  initialized: undefined,
  breakpoint: [
    ['reason', str('changed', 'new', 'removed')],
    ['breakpoint', breakpoint],
  ],
  module: [
    ['reason', str('new', 'changed', 'removed')],
    [
      'module',
      (r) =>
        hostileObject(r, [
          ['id', int(9)],
          ['name', str('m')],
          ['path', str('/m.py')],
        ]),
    ],
  ],
  loadedSource: [
    ['reason', str('new', 'changed', 'removed')],
    ['source', source],
  ],
  capabilities: [['capabilities', capabilities]],
  invalidated: [
    ['areas', (r) => arrayOf(r, r.int(3), str('all', 'stacks', 'threads', 'variables'))],
    ['threadId', int(4)],
    ['stackFrameId', int(9)],
  ],
  progressStart: [
    ['progressId', str('p1')],
    ['title', str('Loading')],
    ['percentage', int(100)],
  ],
  debugpyAttach: [],
  debugpySockets: [
    [
      'sockets',
      (r) =>
        arrayOf(r, r.int(3), (q) =>
          hostileObject(q, [
            ['host', str('127.0.0.1')],
            ['port', int(65536)],
          ]),
        ),
    ],
  ],
  debugpyWaitingForServer: [
    ['host', str('127.0.0.1')],
    ['port', int(65536)],
  ],
};

/** The body of event `event` (`debugpyAttach` carries a child's configuration). */
export function eventBody(rng: FuzzRandom, event: string): string | undefined {
  if (event === 'debugpyAttach') return childConfiguration(rng);
  const fields = Object.hasOwn(EVENT_BODIES, event) ? EVENT_BODIES[event] : undefined;
  return fields ? hostileObject(rng, fields) : undefined;
}

/** A successful response body for `command`, as a tracer would answer the relay or a client. */
export function responseBody(rng: FuzzRandom, command: string): string {
  switch (command) {
    case 'initialize':
      return capabilities(rng);
    case 'pydevdSystemInfo':
      return hostileObject(rng, [
        [
          'process',
          (r) =>
            hostileObject(r, [
              ['pid', (q) => String(q.range(100_000, 4_000_000))],
              ['ppid', (q) => String(q.range(100_000, 4_000_000))],
              ['executable', str('/usr/bin/python3')],
            ]),
        ],
        ['platform', (r) => hostileObject(r, [['name', str('linux')]])],
      ]);
    case 'threads':
      return hostileObject(rng, [
        [
          'threads',
          (r) =>
            arrayOf(r, r.int(4), (q) =>
              hostileObject(q, [
                ['id', int(4)],
                ['name', str('MainThread')],
              ]),
            ),
        ],
      ]);
    case 'stackTrace':
      return hostileObject(rng, [
        [
          'stackFrames',
          (r) =>
            arrayOf(r, r.int(4), (q) =>
              hostileObject(q, [
                ['id', int(9)],
                ['name', str('main', '<module>')],
                ['source', source],
                ['line', int(500)],
                ['column', int(80)],
              ]),
            ),
        ],
        ['totalFrames', int(9)],
      ]);
    case 'scopes':
      return hostileObject(rng, [
        [
          'scopes',
          (r) =>
            arrayOf(r, r.int(3), (q) =>
              hostileObject(q, [
                ['name', str('Locals', 'Globals')],
                ['variablesReference', int(9)],
                ['expensive', bool],
              ]),
            ),
        ],
      ]);
    case 'variables':
      return hostileObject(rng, [
        [
          'variables',
          (r) =>
            arrayOf(r, r.int(4), (q) =>
              hostileObject(q, [
                ['name', str('total', 'x')],
                ['value', str('1', "'x'")],
                ['type', str('int')],
                ['variablesReference', int(9)],
              ]),
            ),
        ],
      ]);
    case 'setBreakpoints':
      return hostileObject(rng, [['breakpoints', (r) => arrayOf(r, r.int(4), breakpoint)]]);
    case 'evaluate':
      return hostileObject(rng, [
        ['result', text],
        ['type', str('int')],
        ['variablesReference', int(9)],
      ]);
    default:
      return hostileObject(rng, []);
  }
}

/** The arguments of a reverse request a tracer sends the relay. */
export function reverseRequestArguments(rng: FuzzRandom, command: string): string {
  switch (command) {
    case 'startDebugging':
      return hostileObject(rng, [
        ['request', str('attach', 'launch')],
        ['configuration', childConfiguration],
      ]);
    case 'runInTerminal':
      return hostileObject(rng, [
        ['kind', str('integrated', 'external')],
        ['title', str('x')],
        ['cwd', str('/tmp')],
        ['args', (r) => arrayOf(r, r.int(3), str('/bin/sh', '-c', 'echo pwned'))],
        ['env', (r) => hostileObject(r, [['X', str('1')]])],
      ]);
    default:
      return hostileObject(rng, [['x', int(9)]]);
  }
}
