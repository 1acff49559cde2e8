/**
 * Validation of connection profiles and of the profiles file, with zod.
 *
 * The schemas mirror `src-main/protocol/profile.ts`; the exported `ProfileSchemaMatchesProtocol`
 * type fails to compile when the two drift apart. Unknown keys (for example a `password` a client
 * should never send) are stripped, never stored: a profile holds no secret.
 */
import { z } from 'zod';
import type { Profile, ProfileDraft } from '../protocol/profile.js';

/** The profiles file format version this code writes and reads. */
export const PROFILE_FILE_VERSION = 1;

/** Longest profile name, in characters. */
export const MAX_PROFILE_NAME_LENGTH = 100;

// Control characters (C0, DEL) never belong in a name, host, user or path typed into a form.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function text(what: string) {
  return z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .refine((value) => value.trim().length > 0, `${what} must not be blank`)
    .refine((value) => !CONTROL_CHARS.test(value), `${what} must not contain control characters`);
}

/** A word passed to SSH as one token: no whitespace, and no leading `-` (never read as an option). */
function sshWord(what: string) {
  return text(what)
    .refine((value) => !/\s/.test(value), `${what} must not contain whitespace`)
    .refine((value) => !value.startsWith('-'), `${what} must not start with "-"`);
}

const idSchema = text('id').max(200, 'id must be at most 200 characters');

const authSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('agent') }),
    z.object({ kind: z.literal('key'), keyPath: text('keyPath') }),
  ],
  {
    error: (issue) =>
      typeof issue.input === 'object' && issue.input !== null
        ? 'auth.kind must be "agent" or "key"'
        : 'auth must be an object { kind, keyPath? }',
  },
);

const pathMappingSchema = z.object({
  localRoot: text('localRoot'),
  remoteRoot: text('remoteRoot'),
});

const profileFields = {
  name: text('name').max(
    MAX_PROFILE_NAME_LENGTH,
    `name must be at most ${MAX_PROFILE_NAME_LENGTH} characters`,
  ),
  host: sshWord('host'),
  port: z
    .number({ error: 'port must be a number' })
    .int('port must be an integer')
    .min(1, 'port must be from 1 to 65535')
    .max(65535, 'port must be from 1 to 65535'),
  user: sshWord('user'),
  auth: authSchema,
  python: text('python'),
  cwd: z
    .string({ error: 'cwd must be a string' })
    .refine((value) => !CONTROL_CHARS.test(value), 'cwd must not contain control characters'),
  pathMappings: z.array(pathMappingSchema, { error: 'pathMappings must be a list' }),
  justMyCode: z.boolean({ error: 'justMyCode must be true or false' }),
};

/** A stored profile (`Profile`): every field present, `id` included. Unknown keys are stripped. */
export const profileSchema = z.object({ id: idSchema, ...profileFields });

/** A profile as a client sends it to `profiles.save` (`ProfileDraft`): `id` optional. */
export const profileDraftSchema = z.object({ id: idSchema.optional(), ...profileFields });

/** The profiles file: `{ "version": 1, "profiles": Profile[] }`, ids unique. */
export const profileFileSchema = z
  .object({
    version: z.literal(PROFILE_FILE_VERSION),
    profiles: z.array(profileSchema, { error: 'profiles must be a list' }),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.profiles.forEach((profile, index) => {
      if (seen.has(profile.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['profiles', index, 'id'],
          message: `duplicate profile id "${profile.id}"`,
        });
      }
      seen.add(profile.id);
    });
  });

/** The parsed profiles file. */
export type ProfileFile = z.infer<typeof profileFileSchema>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Equals<A, B> =
  (<T>() => T extends Simplify<A> ? 1 : 2) extends <T>() => T extends Simplify<B> ? 1 : 2
    ? true
    : false;
type Assert<T extends true> = T;

/**
 * Compile-time check: the zod schemas describe exactly `Profile` and `ProfileDraft` of
 * `src-main/protocol/profile.ts`. If this type errors, update the schemas above.
 */
export type ProfileSchemaMatchesProtocol = Assert<
  Equals<z.infer<typeof profileSchema>, Profile> extends true
    ? Equals<z.infer<typeof profileDraftSchema>, ProfileDraft>
    : false
>;

/** One validation problem: where (`pathMappings.0.localRoot`, `(root)`) and what. */
export interface ProfileIssue {
  path: string;
  message: string;
}

/**
 * A profile or profiles file failed validation. `issues` lists every problem found;
 * `message` joins them as `<path>: <problem>; …`.
 */
export class ProfileValidationError extends Error {
  override readonly name = 'ProfileValidationError';

  /** Every problem found, in schema order. */
  readonly issues: ProfileIssue[];

  constructor(what: string, issues: ProfileIssue[]) {
    super(`${what}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.issues = issues;
  }
}

/**
 * The profiles file has a `version` newer than this code understands (written by a newer
 * Periscope). Reading it would risk losing fields, so it is not read.
 */
export class ProfileFileVersionError extends Error {
  override readonly name = 'ProfileFileVersionError';

  constructor(readonly version: number) {
    super(
      `profiles file has version ${version}, which this Periscope does not understand ` +
        `(it reads version ${PROFILE_FILE_VERSION}); it was written by a newer Periscope`,
    );
  }
}

function toIssues(error: z.ZodError): ProfileIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/**
 * Validates a profile draft from a client.
 *
 * @returns the draft with unknown keys stripped.
 * @throws ProfileValidationError listing every problem.
 */
export function parseProfileDraft(raw: unknown): ProfileDraft {
  const result = profileDraftSchema.safeParse(raw);
  if (!result.success) throw new ProfileValidationError('Invalid profile', toIssues(result.error));
  return result.data;
}

/**
 * Reads the parsed JSON of a profiles file and brings it to the current format.
 * Version 1 is the only format so far, so it is validated as is.
 *
 * @throws ProfileFileVersionError when `version` is a number above {@link PROFILE_FILE_VERSION}.
 * @throws ProfileValidationError when the content is not a valid profiles file (no or bad
 *   `version`, a bad profile, duplicate ids).
 */
export function migrate(raw: unknown): ProfileFile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProfileValidationError('Invalid profiles file', [
      { path: '(root)', message: 'must be a JSON object { "version": 1, "profiles": [...] }' },
    ]);
  }
  const version: unknown = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > PROFILE_FILE_VERSION) {
    throw new ProfileFileVersionError(version);
  }
  if (version !== PROFILE_FILE_VERSION) {
    throw new ProfileValidationError('Invalid profiles file', [
      {
        path: 'version',
        message: `must be ${PROFILE_FILE_VERSION}, got ${JSON.stringify(version)}`,
      },
    ]);
  }
  const result = profileFileSchema.safeParse(raw);
  if (!result.success) {
    throw new ProfileValidationError('Invalid profiles file', toIssues(result.error));
  }
  return result.data;
}
