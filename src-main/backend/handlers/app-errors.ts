/**
 * Turns whatever an app request threw into the `AppError` a client sees: a stable code and one
 * plain sentence. Errors that carry a `code` of `APP_ERROR_CODES` keep it (those of the SSH layer,
 * the profile store, the attach handshake, source reads, and `RelayError`); anything else is
 * `internal`.
 */
import {
  APP_ERROR_CODES,
  type AppError,
  type AppErrorCode,
} from '../../../src-common/protocol/client-protocol.js';

const KNOWN_CODES: ReadonlySet<string> = new Set(APP_ERROR_CODES);

/** Maps a thrown value to an {@link AppError}. Never throws. */
export function toAppError(error: unknown): AppError {
  if (!(error instanceof Error)) return { code: 'internal', message: String(error) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && KNOWN_CODES.has(code)) {
    return { code: code as AppErrorCode, message: error.message };
  }
  return { code: 'internal', message: error.message };
}
