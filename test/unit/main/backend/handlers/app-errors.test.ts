/** What a client sees of a thrown error (`toAppError`): codes come from the error, not its name. */
import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../../../src-common/errors.js';
import { APP_ERROR_CODES } from '../../../../../src-common/protocol/client-protocol.js';
import { toAppError } from '../../../../../src-main/backend/handlers/app-errors.js';
import { ProfileValidationError } from '../../../../../src-main/profiles/profile-schema.js';
import { ProfileNotFoundError } from '../../../../../src-main/profiles/profile-store.js';
import { SshError } from '../../../../../src-main/ssh/ssh-error.js';
import { AttachError } from '../../../../../src-main/tracer/attach-handshake.js';
import { SourceNotFoundError } from '../../../../../src-main/tracer/source-reader.js';

describe('toAppError', () => {
  it('keeps the code each error carries, and its sentence', () => {
    const cases: [Error, string][] = [
      [new RelayError('limit-reached', 'too many'), 'limit-reached'],
      [new SshError('auth-failed', 'refused'), 'auth-failed'],
      [new AttachError('attach', 'timed out'), 'attach-failed'],
      [new SourceNotFoundError('/x.py', 'no such file'), 'source-not-found'],
      [
        new ProfileValidationError('profile', [{ path: 'host', message: 'empty' }]),
        'invalid-profile',
      ],
      [new ProfileNotFoundError('p1'), 'not-found'],
    ];
    for (const [error, code] of cases)
      expect(toAppError(error), error.name).toEqual({ code, message: error.message });
  });

  it('does not go by class name: a renamed error class keeps its code', () => {
    class Renamed extends AttachError {}
    const error = new Renamed('launch', 'no');
    error.name = 'SomethingElse';
    expect(toAppError(error).code).toBe('attach-failed');
  });

  it('makes anything else internal: codes that are not app codes, plain errors, non-errors', () => {
    expect(toAppError(new SshError('file-too-big', 'big')).code).toBe('internal');
    expect(toAppError(Object.assign(new Error('x'), { code: 'ENOENT' })).code).toBe('internal');
    expect(toAppError(new TypeError('bad'))).toEqual({ code: 'internal', message: 'bad' });
    expect(toAppError('thrown text')).toEqual({ code: 'internal', message: 'thrown text' });
  });

  it('knows each app error code once', () => {
    expect(new Set(APP_ERROR_CODES).size).toBe(APP_ERROR_CODES.length);
    expect(APP_ERROR_CODES).toContain('internal');
  });
});
