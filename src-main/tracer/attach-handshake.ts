/**
 * The DAP handshake with a tracer (see ../shared/ENVIRONMENT.md and the DAP specification's "Debug
 * session start-up"), for both ways a session starts:
 *
 *   initialize → attach (non-empty arguments; not awaited) → `initialized` event →
 *   setBreakpoints… → setExceptionBreakpoints → configurationDone → attach response.
 *
 * - a debugpy adapter started with `--listen` (launch over SSH) answers `attach` only after
 *   `configurationDone`, so the attach response is awaited last;
 * - a pydevd that dialled in (`debugpy.connect`) answers `attach` at once and sends `initialized`
 *   itself; with `redirectOutput` it sends the program's stdout/stderr as `output` events.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../dap/dap-connection.js';
import type { AppErrorCode, LaunchBreakpoints } from '../../src-common/protocol/client-protocol.js';
import type { PathMapping } from '../../src-common/protocol/profile.js';
import { errorMessage } from '../../src-common/errors.js';
import { HOOK_STEPPING_RULE } from '../remote/launch/nodelay-sitecustomize.js';

/** How long each step of the handshake may take, in ms. */
export const HANDSHAKE_STEP_TIMEOUT_MS = 15_000;

/** Attach arguments Periscope sends to debugpy (debugpy's `attach` configuration). */
export interface DebugpyAttachArguments {
  justMyCode: boolean;
  pathMappings: PathMapping[];
  /** Free-form name shown by debugpy in its logs. */
  name: string;
  /** Ask pydevd to send the program's stdout/stderr as DAP `output` events (dialled-in tracers). */
  redirectOutput?: boolean;
  /** Django template debugging; `SystemExit(3)` is not an uncaught exception (launch.json's). */
  django?: boolean;
  /** Jinja2 template debugging; `SystemExit(3)` likewise (launch.json's `jinja`). */
  jinja?: boolean;
  /** A function's return value shows among the locals after a step out or over its return. */
  showReturnValue?: boolean;
  /** debugpy's stepping rules (`{ path | module, include }`); Periscope adds its own. */
  rules?: readonly { path?: string; module?: string; include: boolean }[];
}

/**
 * The attach arguments with Periscope's own stepping rule added (once): the launch's
 * sitecustomize is never stepped into, whatever else the arguments say.
 */
export function withPeriscopeRules(
  args: DebugpyAttachArguments | Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const given = Array.isArray(args['rules']) ? (args['rules'] as unknown[]) : [];
  const present = given.some(
    (r) =>
      typeof r === 'object' &&
      r !== null &&
      (r as { path?: unknown }).path === HOOK_STEPPING_RULE.path,
  );
  return { ...args, rules: present ? given : [...given, { ...HOOK_STEPPING_RULE }] };
}

/** Options of {@link attachToDebugpy}. */
export interface AttachOptions {
  /** How long each step may take, in ms (default {@link HANDSHAKE_STEP_TIMEOUT_MS}). */
  stepTimeoutMs?: number;
  /** Exception filter ids to set; absent = the tracer's defaults. Unknown ids are dropped. */
  exceptionFilters?: string[];
  /** Function breakpoints to set (when the tracer `supportsFunctionBreakpoints`). */
  functionBreakpoints?: DebugProtocol.FunctionBreakpoint[];
}

/** What the handshake learned. */
export interface AttachResult {
  capabilities: DebugProtocol.Capabilities;
  /** The `setBreakpoints` arguments that were sent, with the tracer's answers. */
  breakpoints: { args: DebugProtocol.SetBreakpointsArguments; response: DebugProtocol.Response }[];
}

/** Thrown when a step of the handshake fails; `step` names it for the user. */
export class AttachError extends Error {
  /** What the client sees (`AppErrorCode`). */
  readonly code = 'attach-failed' satisfies AppErrorCode;

  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`Attaching to the debugger failed at "${step}": ${message}`);
    this.name = 'AttachError';
  }
}

/**
 * Runs the handshake on an open connection to a debugpy adapter.
 * @throws {AttachError} when a step fails or times out (after `options.stepTimeoutMs`).
 */
export async function attachToDebugpy(
  connection: DapConnection,
  attachArgs: DebugpyAttachArguments | Readonly<Record<string, unknown>>,
  launchBreakpoints: LaunchBreakpoints[],
  options: AttachOptions = {},
): Promise<AttachResult> {
  const stepTimeoutMs = options.stepTimeoutMs ?? HANDSHAKE_STEP_TIMEOUT_MS;
  const initializeArgs: DebugProtocol.InitializeRequestArguments = {
    clientID: 'periscope',
    clientName: 'Periscope',
    adapterID: 'debugpy',
    pathFormat: 'path',
    linesStartAt1: true,
    columnsStartAt1: true,
    supportsVariableType: true,
    supportsRunInTerminalRequest: false,
    supportsProgressReporting: false,
    // Child processes: debugpy ≥ 1.6.7 then announces them with `startDebugging` (older ones
    // with their `debugpyAttach` event); `tracer/child-processes.ts` takes either.
    supportsStartDebuggingRequest: true,
    locale: 'en',
  };
  const initialize = await step('initialize', () =>
    connection.sendRequest('initialize', initializeArgs, { timeoutMs: stepTimeoutMs }),
  );
  const capabilities = (initialize.body ?? {}) as DebugProtocol.Capabilities;

  const initialized = waitForEvent(connection, 'initialized', stepTimeoutMs);
  const attach = connection.sendRequest('attach', withPeriscopeRules(attachArgs), {
    timeoutMs: 0,
  });
  // Surface an early attach failure instead of waiting for `initialized` in vain.
  const attachFailure = attach.then((response) =>
    response.success
      ? new Promise<never>(() => undefined)
      : Promise.reject(new Error(response.message ?? 'rejected')),
  );
  await step('attach', () => Promise.race([initialized, attachFailure]));

  const breakpoints: AttachResult['breakpoints'] = [];
  for (const file of launchBreakpoints) {
    const args: DebugProtocol.SetBreakpointsArguments = {
      source: { path: file.path },
      breakpoints: file.breakpoints,
      lines: file.breakpoints.map((b) => b.line),
    };
    const response = await step('setBreakpoints', () =>
      connection.sendRequest('setBreakpoints', args, { timeoutMs: stepTimeoutMs }),
    );
    breakpoints.push({ args, response });
  }
  const offered = capabilities.exceptionBreakpointFilters ?? [];
  const filters = options.exceptionFilters
    ? options.exceptionFilters.filter((id) => offered.some((f) => f.filter === id))
    : offered.filter((f) => f.default).map((f) => f.filter);
  if (options.functionBreakpoints?.length && capabilities.supportsFunctionBreakpoints) {
    // Not a step: a refused function breakpoint shows as unverified later, it does not stop the
    // launch.
    await connection
      .sendRequest(
        'setFunctionBreakpoints',
        { breakpoints: options.functionBreakpoints },
        { timeoutMs: stepTimeoutMs },
      )
      .catch(() => undefined);
  }
  await step('setExceptionBreakpoints', () =>
    connection.sendRequest('setExceptionBreakpoints', { filters }, { timeoutMs: stepTimeoutMs }),
  );
  if (capabilities.supportsConfigurationDoneRequest !== false) {
    await step('configurationDone', () =>
      connection.sendRequest('configurationDone', {}, { timeoutMs: stepTimeoutMs }),
    );
  }
  const attachResponse = await step('attach', () => withTimeout(attach, stepTimeoutMs, 'attach'));
  if (!attachResponse.success)
    throw new AttachError('attach', attachResponse.message ?? 'rejected');
  return { capabilities, breakpoints };
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (error) {
    throw new AttachError(name, errorMessage(error));
  }
  const response = result as Partial<DebugProtocol.Response> | undefined;
  if (response && response.type === 'response' && response.success === false) {
    throw new AttachError(name, response.message ?? 'the debugger refused it');
  }
  return result;
}

function waitForEvent(
  connection: DapConnection,
  event: string,
  timeoutMs: number,
): Promise<DebugProtocol.Event> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = connection.onEvent((e) => {
      if (e.event !== event) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${what}" response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
