import { describe, expect, it } from 'vitest';
import {
  migrate,
  parseProfileDraft,
  ProfileFileVersionError,
  ProfileValidationError,
} from '../../../src-main/profiles/profile-schema.js';
import type { ProfileDraft } from '../../../src-main/protocol/profile.js';

const good: ProfileDraft = {
  name: 'box',
  host: '10.0.0.5',
  port: 22,
  user: 'me',
  auth: { kind: 'agent' },
  python: 'python3',
  cwd: '',
  pathMappings: [],
  justMyCode: false,
};

function issuesOf(raw: unknown): string[] {
  try {
    parseProfileDraft(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileValidationError);
    return (error as ProfileValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('parseProfileDraft', () => {
  it('accepts a valid draft with and without id', () => {
    expect(parseProfileDraft(good)).toEqual(good);
    expect(parseProfileDraft({ ...good, id: 'abc' })).toEqual({ ...good, id: 'abc' });
  });

  it.each<[string, Partial<Record<keyof ProfileDraft, unknown>>, string]>([
    ['empty name', { name: '' }, 'name: name must not be empty'],
    ['blank name', { name: '   ' }, 'name: name must not be blank'],
    ['long name', { name: 'x'.repeat(101) }, 'name: name must be at most 100 characters'],
    ['host with space', { host: 'a b' }, 'host: host must not contain whitespace'],
    ['host as option', { host: '-oProxyCommand=x' }, 'host: host must not start with "-"'],
    ['port 0', { port: 0 }, 'port: port must be from 1 to 65535'],
    ['port 65536', { port: 65536 }, 'port: port must be from 1 to 65535'],
    ['fractional port', { port: 22.5 }, 'port: port must be an integer'],
    ['string port', { port: '22' }, 'port: port must be a number'],
    ['empty user', { user: '' }, 'user: user must not be empty'],
    [
      'empty keyPath',
      { auth: { kind: 'key', keyPath: '' } },
      'auth.keyPath: keyPath must not be empty',
    ],
    [
      'unknown auth',
      { auth: { kind: 'password' } },
      'auth.kind: auth.kind must be "agent" or "key"',
    ],
    ['auth not an object', { auth: 'agent' }, 'auth: auth must be an object { kind, keyPath? }'],
    ['empty python', { python: '' }, 'python: python must not be empty'],
    [
      'newline in python',
      { python: 'python3\nrm -rf /' },
      'python: python must not contain control characters',
    ],
    [
      'empty remoteRoot',
      { pathMappings: [{ localRoot: '/a', remoteRoot: '' }] },
      'pathMappings.0.remoteRoot: remoteRoot must not be empty',
    ],
    [
      'justMyCode not boolean',
      { justMyCode: 'yes' },
      'justMyCode: justMyCode must be true or false',
    ],
  ])('rejects %s', (_what, change, expected) => {
    expect(issuesOf({ ...good, ...change })).toContain(expected);
  });

  it('reports a missing field by its path', () => {
    const { python: _python, ...rest } = good;
    expect(issuesOf(rest)).toEqual(['python: python must be a string']);
  });

  it('rejects a non-object', () => {
    expect(issuesOf('nope').length).toBeGreaterThan(0);
  });
});

describe('migrate', () => {
  it('accepts version 1', () => {
    const file = { version: 1, profiles: [{ ...good, id: 'a' }] };
    expect(migrate(file)).toEqual(file);
  });

  it('says clearly that a newer version is not understood', () => {
    expect(() => migrate({ version: 3, profiles: [] })).toThrow(ProfileFileVersionError);
    expect(() => migrate({ version: 3, profiles: [] })).toThrow(/version 3.*newer Periscope/);
  });

  it.each([
    [null],
    [[]],
    ['text'],
    [{ profiles: [] }],
    [{ version: '1', profiles: [] }],
    [{ version: 0 }],
  ])('rejects %j as not a profiles file', (raw) => {
    expect(() => migrate(raw)).toThrow(ProfileValidationError);
  });

  it('rejects duplicate ids', () => {
    const p = { ...good, id: 'same' };
    expect(() => migrate({ version: 1, profiles: [p, p] })).toThrow(
      /profiles\.1\.id: duplicate profile id "same"/,
    );
  });
});
