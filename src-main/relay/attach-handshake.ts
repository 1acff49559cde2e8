/**
 * The DAP handshake with a debugpy adapter started with `--listen` (see ../shared/ENVIRONMENT.md
 * and the DAP specification's "Debug session start-up"):
 *
 *   initialize → attach (non-empty arguments; not awaited) → `initialized` event →
 *   setBreakpoints… → setExceptionBreakpoints → configurationDone → attach response.
 *
 * debugpy answers `attach` only after `configurationDone`, so the attach response is awaited last.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../dap/dap-connection.js';
import type { LaunchBreakpoints } from '../protocol/client-protocol.js';
import type { PathMapping } from '../protocol/profile.js';

/** How long each step of the handshake may take, in ms. */
export const HANDSHAKE_STEP_TIMEOUT_MS = 15_000;

/** Attach arguments Periscope sends to debugpy (debugpy's `attach` configuration). */
export interface DebugpyAttachArguments {
  justMyCode: boolean;
  pathMappings: PathMapping[];
  /** Free-form name shown by debugpy in its logs. */
  name: string;
}

/** What the handshake learned. */
export interface AttachResult {
  capabilities: DebugProtocol.Capabilities;
  /** The `setBreakpoints` arguments that were sent, with the tracer's answers. */
  breakpoints: { args: DebugProtocol.SetBreakpointsArguments; response: DebugProtocol.Response }[];
}

/** Thrown when a step of the handshake fails; `step` names it for the user. */
export class AttachError extends Error {
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
 * @throws {AttachError} when a step fails or times out (after {@link HANDSHAKE_STEP_TIMEOUT_MS}).
 */
export async function attachToDebugpy(
  connection: DapConnection,
  attachArgs: DebugpyAttachArguments,
  launchBreakpoints: LaunchBreakpoints[],
): Promise<AttachResult> {
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
    locale: 'en',
  };
  const initialize = await step('initialize', () =>
    connection.sendRequest('initialize', initializeArgs, { timeoutMs: HANDSHAKE_STEP_TIMEOUT_MS }),
  );
  const capabilities = (initialize.body ?? {}) as DebugProtocol.Capabilities;

  const initialized = waitForEvent(connection, 'initialized', HANDSHAKE_STEP_TIMEOUT_MS);
  const attach = connection.sendRequest('attach', attachArgs, { timeoutMs: 0 });
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
      connection.sendRequest('setBreakpoints', args, { timeoutMs: HANDSHAKE_STEP_TIMEOUT_MS }),
    );
    breakpoints.push({ args, response });
  }
  const filters = (capabilities.exceptionBreakpointFilters ?? [])
    .filter((f) => f.default)
    .map((f) => f.filter);
  await step('setExceptionBreakpoints', () =>
    connection.sendRequest(
      'setExceptionBreakpoints',
      { filters },
      { timeoutMs: HANDSHAKE_STEP_TIMEOUT_MS },
    ),
  );
  if (capabilities.supportsConfigurationDoneRequest !== false) {
    await step('configurationDone', () =>
      connection.sendRequest('configurationDone', {}, { timeoutMs: HANDSHAKE_STEP_TIMEOUT_MS }),
    );
  }
  const attachResponse = await step('attach', () =>
    withTimeout(attach, HANDSHAKE_STEP_TIMEOUT_MS, 'attach'),
  );
  if (!attachResponse.success)
    throw new AttachError('attach', attachResponse.message ?? 'rejected');
  return { capabilities, breakpoints };
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (error) {
    throw new AttachError(name, error instanceof Error ? error.message : String(error));
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
