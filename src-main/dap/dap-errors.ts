/**
 * Errors with which a {@link DapConnection} request can fail. Framing errors live in
 * `framing.ts` ({@link DapFramingError}).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/**
 * The peer did not answer a request within its timeout. The pending entry is forgotten; a response
 * that arrives later is logged and dropped.
 */
export class DapTimeoutError extends Error {
  override readonly name = 'DapTimeoutError';

  constructor(
    /** The request's `command`, e.g. `stackTrace`. */
    readonly command: string,
    /** The timeout that expired, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`"${command}" request timed out after ${timeoutMs} ms`);
  }
}

/**
 * The connection closed (or was already closed) before the request's response arrived.
 * `reason` says why it closed, e.g. `the peer ended the stream`.
 */
export class DapConnectionClosedError extends Error {
  override readonly name = 'DapConnectionClosedError';

  constructor(
    /** The request's `command`. */
    readonly command: string,
    /** The connection's name (`DapConnectionOptions.name`). */
    readonly connectionName: string,
    /** Why the connection closed. */
    readonly reason: string,
  ) {
    super(`"${command}" request failed: connection ${connectionName} closed: ${reason}`);
  }
}

/**
 * The peer answered with `success: false` (thrown only by `DapConnection.call`; `sendRequest`
 * resolves with such responses). The message is the DAP error text: `body.error.format` with its
 * `{variables}` substituted when present, else `response.message` (which may be one of the spec's
 * short codes, `cancelled` or `notStopped`).
 */
export class DapRequestError extends Error {
  override readonly name = 'DapRequestError';

  constructor(
    /** The unsuccessful response, as received. */
    readonly response: DebugProtocol.Response,
  ) {
    super(`"${response.command}" request failed: ${describeErrorResponse(response)}`);
  }
}

/**
 * The human-readable error of an unsuccessful DAP response (see {@link DapRequestError}).
 * Follows the DAP `ErrorResponse` shape: `body.error` is a `Message` whose `format` may contain
 * `{name}` placeholders filled from `variables`.
 */
export function describeErrorResponse(response: DebugProtocol.Response): string {
  const body: unknown = response.body;
  const error =
    typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const { format, variables } = error as { format?: unknown; variables?: unknown };
    if (typeof format === 'string' && format.length > 0) {
      const values = typeof variables === 'object' && variables !== null ? variables : {};
      return format.replace(/\{([^}]+)\}/g, (whole, key: string) => {
        const value: unknown = (values as Record<string, unknown>)[key];
        return typeof value === 'string' ? value : whole;
      });
    }
  }
  if (typeof response.message === 'string' && response.message.length > 0) return response.message;
  return 'no error message';
}
