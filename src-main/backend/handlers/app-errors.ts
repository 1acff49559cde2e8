/**
 * Turns whatever an app request threw into the `AppError` a client sees: a stable code and one
 * plain sentence. Errors of the SSH layer, the profile store and the handshake carry their own
 * meaning; anything else is `internal`.
 */
import type { AppError, AppErrorCode } from '../../../src-common/protocol/client-protocol.js';

const KNOWN_CODES = new Set<AppErrorCode>([
  'invalid-message',
  'unknown-method',
  'not-found',
  'source-not-found',
  'host-key-unknown',
  'host-key-changed',
  'host-key-revoked',
  'host-key-rejected',
  'invalid-profile',
  'auth-failed',
  'ssh-failed',
  'launch-failed',
  'attach-failed',
  'limit-reached',
  'session-ended',
]);

/** Codes by error class name, for errors that carry no `code` of ours. */
const CODE_BY_NAME: Record<string, AppErrorCode> = {
  ProfileValidationError: 'invalid-profile',
  ProfileNotFoundError: 'not-found',
  AttachError: 'attach-failed',
  SourceNotFoundError: 'source-not-found',
  LaunchError: 'launch-failed',
  RemoteLaunchError: 'launch-failed',
};

/** Maps a thrown value to an {@link AppError}. Never throws. */
export function toAppError(error: unknown): AppError {
  if (!(error instanceof Error)) return { code: 'internal', message: String(error) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && KNOWN_CODES.has(code as AppErrorCode)) {
    return { code: code as AppErrorCode, message: error.message };
  }
  const byName = CODE_BY_NAME[error.name];
  if (byName) return { code: byName, message: error.message };
  return { code: 'internal', message: error.message };
}
