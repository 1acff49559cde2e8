import type { DebugProtocol } from '@vscode/debugprotocol';

/** A DAP request that came back with `success: false`; `message` is the adapter's text. */
export class DapResponseError extends Error {
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
    this.name = 'DapResponseError';
  }
}

/**
 * The user-facing text of a failed DAP response: `body.error.format` (DAP `ErrorResponse`,
 * with `{name}` placeholders filled from `variables`) when present, else `message`, else a
 * sentence naming the command.
 */
export function dapErrorText(response: DebugProtocol.Response): string {
  const error = (response as DebugProtocol.ErrorResponse).body?.error;
  if (error?.format) {
    const vars = error.variables ?? {};
    return error.format.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
  }
  if (response.message) return response.message;
  return `The debugger could not do "${response.command}".`;
}

/**
 * Returns the response when it succeeded.
 * @throws {DapResponseError} with {@link dapErrorText} when `success` is false.
 */
export function expectSuccess<T extends DebugProtocol.Response>(
  response: DebugProtocol.Response,
): T {
  if (!response.success) throw new DapResponseError(response.command, dapErrorText(response));
  return response as T;
}

/**
 * The last non-empty line of an error text: Python tracebacks from debugpy's `evaluate` end with
 * the line that matters (`NameError: name 'x' is not defined`).
 */
export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? text;
}
