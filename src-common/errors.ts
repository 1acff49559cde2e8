/**
 * Errors both processes share: {@link errorMessage}, the text of any thrown value, and
 * {@link RelayError}, which any layer of the main process throws when the client should see a
 * stable `AppErrorCode` (the app backend's `src-main/backend/handlers/app-errors.ts` turns every
 * thrown value into the `AppError` a client gets).
 */
import type { AppErrorCode } from './protocol/client-protocol.js';

/** An error the relay raises itself, with the code clients see. */
export class RelayError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

/** The message of any thrown value: an `Error`'s `message`, anything else as `String` makes it. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
