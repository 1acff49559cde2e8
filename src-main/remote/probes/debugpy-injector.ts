/**
 * Attach by PID without harm: runs `inject_debugpy.py` on the remote machine, which proves an
 * injector (gdb, then lldb) on a throwaway process of the target's interpreter before it touches
 * the user's process, then makes the process call `debugpy.listen` on a free loopback port.
 *
 * Why: debugpy's own `--pid` uses gdb on Linux (`pydevd_attach_to_process/
 * add_code_to_python_process.py`), and on some CPUs gdb cannot restore the target's registers
 * ("Couldn't write extended state status: Bad address"): the target then dies. Verdicts are kept
 * per host + interpreter + injector ({@link InjectorVerdicts}) so the probe runs once.
 * Errors are one plain sentence with the real cause line and what to do; the injector's raw
 * output goes to the log only.
 */
import type { Logger } from '../../log/logger.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';
import INJECT_DEBUGPY from '../python/inject_debugpy.py';
import {
  INJECTORS,
  type InjectorName,
  type InjectorVerdict,
  type InjectorVerdicts,
} from './injector-verdicts.js';

/** The marker before the helper's one JSON answer line (`inject_debugpy.py`: `MARKER`). */
export const INJECT_MARKER = '__periscope_inject__ ';

/** How long the injected debugpy may take to listen, in ms. */
const LISTEN_TIMEOUT_MS = 30_000;

/** What a probe found: the interpreter judged and each injector's verdict, in order. */
export interface InjectorProbe {
  executable: string;
  injectors: InjectorVerdict[];
}

/** Where the injected debugpy listens, and how it got there. */
export interface Injected {
  /** Remote loopback port of the adapter the injected `debugpy.listen` started. */
  port: number;
  injector: InjectorName;
  probe: InjectorProbe;
}

/** Why an attach by PID did not happen; the user's process is untouched unless `reason` says so. */
export type InjectFailure =
  | 'no-such-process'
  | 'not-permitted'
  | 'ptrace-disabled'
  | 'ptrace-root-only'
  | 'ptrace-parent-only'
  /** The process is in a container, and the helper is not: it is never injected from outside. */
  | 'other-namespaces'
  | 'no-debugpy'
  | 'no-attach-library'
  | 'no-injector'
  | 'inject-failed'
  | 'target-died'
  | 'listen-timeout'
  | 'listen-failed'
  | 'internal';

/** An attach by PID that failed, as the app's `attach-failed` error. */
export class InjectError extends Error {
  /** The app error code clients see. */
  readonly code = 'attach-failed';

  constructor(
    /** What went wrong, by name. */
    readonly reason: InjectFailure,
    message: string,
    /** The verdicts that led here, when injectors were judged. */
    readonly probe?: InjectorProbe,
  ) {
    super(message);
    this.name = 'InjectError';
  }
}

interface HelperAnswer {
  ok: boolean;
  executable?: string;
  injectors?: (InjectorVerdict & { output?: string })[];
  injector?: InjectorName;
  port?: number;
  injectorOutput?: string;
  error?: { code: InjectFailure; message: string; cause: string };
}

/** Who is asking, for messages and the verdict cache. */
export interface InjectContext {
  connection: SshConnection;
  /** The profile's interpreter: the one with debugpy. */
  python: string;
  /** `user@host:port` of the profile: the machine verdicts are about. */
  machine: string;
  /** The host name, for messages. */
  host: string;
  /** The profile's environment (e.g. a PATH that picks the injectors); sent on stdin. */
  env?: { name: string; value: string }[];
  verdicts: InjectorVerdicts;
  logger: Logger;
  /**
   * Runs the helper somewhere else on the machine: inside a container (`remote/containers/
   * container-place.ts`), so the injector works in the container's namespaces and `pid` is the
   * container's. `machine` should then name the container too.
   */
  place?: (command: string) => string;
}

/**
 * Judges every injector on a throwaway process of `pid`'s interpreter (of the profile's own
 * interpreter when `pid` is absent), afresh; the user's process is never touched. Records the
 * verdicts. For the preflight.
 * @throws InjectError when the process cannot be judged (not running, another user's, ptrace
 *   off, no debugpy); SshError `ssh-failed` when the helper cannot run.
 */
export async function probeInjectors(context: InjectContext, pid?: number): Promise<InjectorProbe> {
  const answer = await runHelper(context, { pid: pid ?? 0, mode: 'probe' });
  const probe = probeOf(answer);
  context.verdicts.record(context.machine, probe.injectors);
  if (answer.error) throw failure(answer, pid ?? 0, context, probe);
  return probe;
}

/**
 * Injects debugpy into `pid` with the first injector that works there (kept verdicts first,
 * else probed now) and returns the port its adapter listens on.
 * @throws InjectError (`attach-failed`) naming the reason and the cause; `ssh-failed` when the
 *   helper cannot run.
 */
export async function injectDebugpy(context: InjectContext, pid: number): Promise<Injected> {
  const answer = await runHelper(context, {
    pid,
    mode: 'attach',
    verdicts: context.verdicts.get(context.machine),
    listenTimeout: LISTEN_TIMEOUT_MS / 1000,
  });
  const probe = probeOf(answer);
  context.verdicts.record(context.machine, probe.injectors);
  context.logger.info('attach by pid', {
    pid,
    injector: answer.injector,
    ok: answer.ok,
    verdicts: probe.injectors.map((v) => `${v.injector}: ${v.ok ? 'ok' : v.cause}`),
    // The raw output stays in the log: it is for whoever debugs Periscope, not for the user.
    output: answer.injectorOutput,
  });
  if (!answer.ok || answer.port === undefined || !answer.injector)
    throw failure(answer, pid, context, probe);
  return { port: answer.port, injector: answer.injector, probe };
}

async function runHelper(context: InjectContext, request: object): Promise<HelperAnswer> {
  const env = Object.fromEntries((context.env ?? []).map((v) => [v.name, v.value]));
  const command = shellJoin([context.python, '-c', INJECT_DEBUGPY, '-']);
  const result = await context.connection.run(context.place ? context.place(command) : command, {
    maxOutputBytes: 256 * 1024,
    stdin: JSON.stringify({ ...request, injectors: INJECTORS, env }),
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith(INJECT_MARKER));
  if (!line) {
    context.logger.warn('attach helper gave no answer', {
      code: result.code,
      stdout: result.stdout.slice(-2000),
      stderr: result.stderr.slice(-2000),
    });
    const why = lastLine(result.stderr) || `exit code ${result.code}`;
    throw new SshError(
      'ssh-failed',
      `the attach helper did not run with ${context.python} on ${context.host}: ${why}`,
    );
  }
  return JSON.parse(line.slice(INJECT_MARKER.length)) as HelperAnswer;
}

function probeOf(answer: HelperAnswer): InjectorProbe {
  return {
    executable: answer.executable ?? '',
    injectors: (answer.injectors ?? []).map(({ output: _output, ...verdict }) => verdict),
  };
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}

/** The one sentence a person reads, with the cause and what to do. */
function failure(
  answer: HelperAnswer,
  pid: number,
  { host, python }: InjectContext,
  probe: InjectorProbe,
): InjectError {
  const error = answer.error ?? {
    code: 'internal' as const,
    message: 'the attach helper gave no reason',
    cause: '',
  };
  const cause = error.cause ? ` (${error.cause})` : '';
  const instead = `or start the program with \`${python} -m debugpy --listen 127.0.0.1:5678 app.py\` (or \`debugpy.connect(…)\` in its code) and attach to that port`;
  const sysctl = 'sudo sysctl -w kernel.yama.ptrace_scope=0';
  const untouched = `Process ${pid} was not touched.`;
  const say = (text: string): InjectError => new InjectError(error.code, text, probe);
  switch (error.code) {
    case 'no-such-process':
      return say(`Process ${pid} is not running on ${host}. Pick a running process from the list.`);
    case 'not-permitted':
      return say(
        `Cannot attach: ${error.message}${cause}. Log in as that user (or root) to attach to it.`,
      );
    case 'ptrace-disabled':
      return say(
        `Cannot attach: ${error.message}. ${untouched} Set kernel.yama.ptrace_scope to 0 and reboot, ${instead}.`,
      );
    case 'ptrace-root-only':
      return say(
        `Cannot attach: ${error.message}. ${untouched} Log in as root, run \`${sysctl}\`, ${instead}.`,
      );
    case 'ptrace-parent-only':
      return say(
        `Cannot attach: ${error.message}. ${untouched} Run \`${sysctl}\` on ${host} (until reboot), log in as root, ${instead}.`,
      );
    case 'other-namespaces':
      return say(
        `Cannot attach from the machine: ${error.message}. ${untouched} An injector working from outside a container's namespaces would load debugpy from the wrong files, or harm the process: pick the process in the machine's process list (marked with its container) to attach inside its container, or attach with the container target and the process's pid there.`,
      );
    case 'no-debugpy':
      return say(
        `Cannot attach: ${error.message}${cause}. Install it on ${host}: \`${python} -m pip install debugpy\` (Debian/Ubuntu: \`sudo apt install python3-debugpy\`).`,
      );
    case 'no-injector': {
      const each = probe.injectors
        .map((v) => `${v.injector}: ${v.missing ? 'not installed' : v.cause || 'failed'}`)
        .join('; ');
      return say(
        `Cannot attach: no injector works on ${host} (${each}), so process ${pid} was not touched. Install lldb there (\`sudo apt install lldb\`), check that you are the process's user (or root) and ptrace_scope, ${instead}.`,
      );
    }
    case 'inject-failed':
      return say(
        `Cannot attach: ${error.message}${cause}. Process ${pid} keeps running without a debugger; ${instead}.`,
      );
    case 'target-died':
      return say(`Attach failed: ${error.message}${cause}.`);
    case 'listen-failed':
    case 'listen-timeout':
      return say(
        `Cannot attach: ${error.message}${cause}. Process ${pid} keeps running; try again, ${instead}.`,
      );
    default:
      return say(`Cannot attach to process ${pid}: ${error.message}${cause}.`);
  }
}
