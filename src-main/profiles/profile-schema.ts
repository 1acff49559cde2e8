/**
 * Validation of connection profiles and of the profiles file, with zod.
 *
 * The schemas mirror `src-common/protocol/profile.ts`; the exported `ProfileSchemaMatchesProtocol`
 * type fails to compile when the two drift apart. Unknown keys (for example a `password` a client
 * should never send) are stripped, never stored: a profile holds no secret.
 */
import { z } from 'zod';
import type { ConsoleMode, Profile, ProfileDraft } from '../../src-common/protocol/profile.js';
import type { AppErrorCode } from '../../src-common/protocol/client-protocol.js';

/**
 * The profiles file format version this code writes. History:
 * - 1: name, host, port, user, auth (agent | key), python, cwd, pathMappings, justMyCode.
 * - 2: auth also password | keyboard-interactive; `jumpHosts`, `env`, `logFiles`. Later
 *   `watchExpressions`, optional in the file (absent reads as `[]`), so the version stayed 2 and
 *   files without it stay readable. Later still `attachPort`, the same way (absent reads as
 *   {@link DEFAULT_ATTACH_PORT}), then `subProcess` (absent: true), `maxChildProcesses`
 *   (absent: {@link DEFAULT_MAX_CHILD_PROCESSES}), `django` and `jinja` (absent: false), then
 *   `stopOnEntry`, `pythonArgs`, `envFile`, `showReturnValue`, `gevent`, `pyramid`, `sudo` and `console`
 *   ({@link DEBUG_OPTION_DEFAULTS}), then `containers` (absent: `[]`) and `capture` (absent: true).
 */
/**
 * Why interpreter flags (launch.json's `pythonArgs`) cannot be used, or null. They go before
 * debugpy on the command line (`python <flags> -m debugpy …`), so `-c`, `-m` and `-` would run
 * something else than the program, a bare word would be taken as the script, and `-I`, `-E`, `-S`
 * would turn off the launch's start-up hook (its `sitecustomize`: output order, stop on entry,
 * crash capture). Short flags may be combined (`-OB`); `-X` and `-W` take a value, attached or
 * as the next entry (Python's `--help`).
 */
export function pythonArgsProblem(flags: readonly string[]): string | null {
  let valueNext = false;
  for (const flag of flags) {
    if (valueNext) {
      valueNext = false;
      continue;
    }
    if (flag === '-' || flag === '--' || !flag.startsWith('-'))
      return `pythonArgs: ${JSON.stringify(flag)} is not an interpreter flag (put the program's own arguments in Arguments)`;
    if (flag.startsWith('--')) {
      valueNext = flag === '--check-hash-based-pycs';
      continue;
    }
    for (let i = 1; i < flag.length; i++) {
      const letter = flag.charAt(i);
      if (letter === 'X' || letter === 'W') {
        valueNext = i === flag.length - 1;
        break;
      }
      if (letter === 'c' || letter === 'm')
        return `pythonArgs: ${flag} would run something else than the program; set the program (or module) to debug instead`;
      if (letter === 'I' || letter === 'E' || letter === 'S')
        return `pythonArgs: -${letter} would turn off Periscope's start-up hook (output order, stop on entry, crash capture)`;
    }
  }
  return null;
}

/** Child processes followed at once when a profile does not say. */
export const DEFAULT_MAX_CHILD_PROCESSES = 32;

export const PROFILE_FILE_VERSION = 2;

/**
 * The port a hand-started debugpy listens on when a profile does not say: 5678, the port of
 * debugpy's README (`python -m debugpy --listen 5678`) and of VS Code's attach examples.
 */
export const DEFAULT_ATTACH_PORT = 5678;

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
    z.object({ kind: z.literal('password') }),
    z.object({ kind: z.literal('keyboard-interactive') }),
  ],
  {
    error: (issue) =>
      typeof issue.input === 'object' && issue.input !== null
        ? 'auth.kind must be "agent", "key", "password" or "keyboard-interactive"'
        : 'auth must be an object { kind, keyPath? }',
  },
);

const portSchema = z
  .number({ error: 'port must be a number' })
  .int('port must be an integer')
  .min(1, 'port must be from 1 to 65535')
  .max(65535, 'port must be from 1 to 65535');

const jumpHostSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('address'),
      host: sshWord('host'),
      port: portSchema,
      user: sshWord('user'),
      auth: authSchema,
    }),
    z.object({ kind: z.literal('profile'), profileId: idSchema }),
  ],
  {
    error: () =>
      'a jump host must be { kind: "address", host, port, user, auth } or { kind: "profile", profileId }',
  },
);

/** Most interpreter flags (`pythonArgs`) per profile. */
export const MAX_PYTHON_ARGS = 64;

/** Longest ProxyJump chain accepted (OpenSSH has no limit; more than a few hops is a mistake). */
export const MAX_JUMP_HOSTS = 8;

const envVarSchema = z.object({
  name: z
    .string({ error: 'name must be a string' })
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]*$/,
      'name must be letters, digits and _, not starting with a digit',
    ),
  value: z
    .string({ error: 'value must be a string' })
    .refine(
      (value) => !value.includes('\0') && !/[\n\r]/.test(value),
      'value must not contain NUL or line breaks',
    ),
});

const logFileSchema = text('log file').refine(
  (value) => value.startsWith('/') || value.startsWith('~/'),
  'log file must be an absolute remote path (or start with ~/)',
);

/** Most saved watch expressions per profile. */
export const MAX_WATCH_EXPRESSIONS = 200;

/** Longest saved watch expression, in characters. */
export const MAX_WATCH_EXPRESSION_LENGTH = 2000;

/** A profile's saved watch list: non-blank expressions without NUL, at most 200 of them. */
export const watchExpressionsSchema = z
  .array(
    z
      .string({ error: 'a watch expression must be a string' })
      .max(
        MAX_WATCH_EXPRESSION_LENGTH,
        `a watch expression must be at most ${MAX_WATCH_EXPRESSION_LENGTH} characters`,
      )
      .refine((value) => value.trim().length > 0, 'a watch expression must not be blank')
      .refine((value) => !value.includes('\0'), 'a watch expression must not contain NUL'),
    { error: 'watchExpressions must be a list' },
  )
  .max(MAX_WATCH_EXPRESSIONS, `at most ${MAX_WATCH_EXPRESSIONS} watch expressions`);

const pathMappingSchema = z.object({
  localRoot: text('localRoot'),
  remoteRoot: text('remoteRoot'),
});

/** Most container targets saved per profile. */
export const MAX_CONTAINER_TARGETS = 100;

/** A container name or id as Docker allows it (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`), at most 253. */
const containerNameSchema = z
  .string({ error: 'container name must be text' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/, 'not a container name (letters, digits, _ . -)');

const containerTargetSchema = z.object({
  kind: z.enum(['docker', 'podman'], { error: 'container kind must be docker or podman' }),
  name: containerNameSchema,
  python: z
    .string()
    .max(4096)
    .refine((v) => !CONTROL_CHARS.test(v), 'python must be one line'),
  pathMappings: z.array(pathMappingSchema, { error: 'pathMappings must be a list' }).max(100),
  copyDebugpy: z.boolean({ error: 'copyDebugpy must be true or false' }).optional(),
});

/** A container target as a client sends it (`session.launch`, `session.preflight`). */
export const containerTargetParamsSchema = containerTargetSchema.strict();

const profileFields = {
  name: text('name').max(
    MAX_PROFILE_NAME_LENGTH,
    `name must be at most ${MAX_PROFILE_NAME_LENGTH} characters`,
  ),
  host: sshWord('host'),
  port: portSchema,
  user: sshWord('user'),
  auth: authSchema,
  python: text('python'),
  cwd: z
    .string({ error: 'cwd must be a string' })
    .refine((value) => !CONTROL_CHARS.test(value), 'cwd must not contain control characters'),
  pathMappings: z.array(pathMappingSchema, { error: 'pathMappings must be a list' }),
  justMyCode: z.boolean({ error: 'justMyCode must be true or false' }),
};

/** Fields of format version 2 (see {@link PROFILE_FILE_VERSION}); optional in a draft. */
const addedFields = {
  jumpHosts: z
    .array(jumpHostSchema, { error: 'jumpHosts must be a list' })
    .max(MAX_JUMP_HOSTS, `at most ${MAX_JUMP_HOSTS} jump hosts`),
  env: z.array(envVarSchema, { error: 'env must be a list' }).superRefine((vars, ctx) => {
    const seen = new Set<string>();
    vars.forEach((v, index) => {
      if (seen.has(v.name))
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `${v.name} is set twice` });
      seen.add(v.name);
    });
  }),
  logFiles: z.array(logFileSchema, { error: 'logFiles must be a list' }),
  watchExpressions: watchExpressionsSchema,
  attachPort: portSchema,
  subProcess: z.boolean({ error: 'subProcess must be true or false' }),
  maxChildProcesses: z
    .number({ error: 'maxChildProcesses must be a number' })
    .int('maxChildProcesses must be an integer')
    .min(1, 'maxChildProcesses must be from 1 to 1000')
    .max(1000, 'maxChildProcesses must be from 1 to 1000'),
  django: z.boolean({ error: 'django must be true or false' }),
  jinja: z.boolean({ error: 'jinja must be true or false' }),
  stopOnEntry: z.boolean({ error: 'stopOnEntry must be true or false' }),
  pythonArgs: z
    .array(
      z
        .string({ error: 'an interpreter flag must be a string' })
        .min(1, 'an interpreter flag must not be empty')
        .refine(
          (value) => !value.includes('\0') && !/[\n\r]/.test(value),
          'an interpreter flag must not contain NUL or line breaks',
        )
        .max(4096, 'an interpreter flag is at most 4096 characters'),
      { error: 'pythonArgs must be a list' },
    )
    .max(MAX_PYTHON_ARGS, `at most ${MAX_PYTHON_ARGS} interpreter flags`)
    .superRefine((flags, context) => {
      const problem = pythonArgsProblem(flags);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  envFile: z
    .string({ error: 'envFile must be a string' })
    .max(4096, 'envFile is at most 4096 characters')
    .refine((value) => !CONTROL_CHARS.test(value), 'envFile must not contain control characters'),
  showReturnValue: z.boolean({ error: 'showReturnValue must be true or false' }),
  containers: z
    .array(containerTargetSchema, { error: 'containers must be a list' })
    .max(MAX_CONTAINER_TARGETS, `at most ${MAX_CONTAINER_TARGETS} containers`),
  capture: z.boolean({ error: 'capture must be true or false' }),
  gevent: z.boolean({ error: 'gevent must be true or false' }),
  pyramid: z.boolean({ error: 'pyramid must be true or false' }),
  sudo: z.boolean({ error: 'sudo must be true or false' }),
  console: z.enum(['internalConsole', 'integratedTerminal', 'externalTerminal'], {
    error: 'console must be internalConsole, integratedTerminal or externalTerminal',
  }),
};

/**
 * Defaults of the launch.json debug options a profile keeps, for profiles and files written
 * before each existed: off, as Periscope launched before it (VS Code's own defaults are applied
 * when a launch.json entry is imported, `launch-json.ts`).
 */
export const DEBUG_OPTION_DEFAULTS = {
  stopOnEntry: false,
  pythonArgs: [] as string[],
  envFile: '',
  showReturnValue: false,
  gevent: false,
  pyramid: false,
  sudo: false,
  console: 'internalConsole' as ConsoleMode,
};

/**
 * The debug options of a launch.json configuration sent to `profiles.exportLaunchJson`
 * (`LaunchJsonOptions`), each validated as the profile field of the same name.
 */
export const launchJsonOptionsSchema = z
  .object({
    stopOnEntry: addedFields.stopOnEntry,
    pythonArgs: addedFields.pythonArgs,
    envFile: addedFields.envFile,
    showReturnValue: addedFields.showReturnValue,
    gevent: addedFields.gevent,
    pyramid: addedFields.pyramid,
    sudo: addedFields.sudo,
    console: addedFields.console,
    subProcess: addedFields.subProcess,
    django: addedFields.django,
    jinja: addedFields.jinja,
  })
  .strict();

/** A stored profile (`Profile`): every field present, `id` included. Unknown keys are stripped. */
export const profileSchema = z.object({
  id: idSchema,
  ...profileFields,
  ...addedFields,
  // Absent in files written before the field existed.
  watchExpressions: addedFields.watchExpressions.default([]),
  attachPort: addedFields.attachPort.default(DEFAULT_ATTACH_PORT),
  subProcess: addedFields.subProcess.default(true),
  maxChildProcesses: addedFields.maxChildProcesses.default(DEFAULT_MAX_CHILD_PROCESSES),
  django: addedFields.django.default(false),
  jinja: addedFields.jinja.default(false),
  stopOnEntry: addedFields.stopOnEntry.default(DEBUG_OPTION_DEFAULTS.stopOnEntry),
  pythonArgs: addedFields.pythonArgs.default(() => []),
  envFile: addedFields.envFile.default(DEBUG_OPTION_DEFAULTS.envFile),
  showReturnValue: addedFields.showReturnValue.default(DEBUG_OPTION_DEFAULTS.showReturnValue),
  containers: addedFields.containers.default([]),
  capture: addedFields.capture.default(true),
  gevent: addedFields.gevent.default(DEBUG_OPTION_DEFAULTS.gevent),
  pyramid: addedFields.pyramid.default(DEBUG_OPTION_DEFAULTS.pyramid),
  sudo: addedFields.sudo.default(DEBUG_OPTION_DEFAULTS.sudo),
  console: addedFields.console.default(DEBUG_OPTION_DEFAULTS.console),
});

/** A profile as a client sends it to `profiles.save` (`ProfileDraft`): `id` optional. */
export const profileDraftSchema = z.object({
  id: idSchema.optional(),
  ...profileFields,
  jumpHosts: addedFields.jumpHosts.optional(),
  env: addedFields.env.optional(),
  logFiles: addedFields.logFiles.optional(),
  watchExpressions: addedFields.watchExpressions.optional(),
  attachPort: addedFields.attachPort.optional(),
  subProcess: addedFields.subProcess.optional(),
  maxChildProcesses: addedFields.maxChildProcesses.optional(),
  django: addedFields.django.optional(),
  jinja: addedFields.jinja.optional(),
  stopOnEntry: addedFields.stopOnEntry.optional(),
  pythonArgs: addedFields.pythonArgs.optional(),
  envFile: addedFields.envFile.optional(),
  showReturnValue: addedFields.showReturnValue.optional(),
  containers: addedFields.containers.optional(),
  capture: addedFields.capture.optional(),
  gevent: addedFields.gevent.optional(),
  pyramid: addedFields.pyramid.optional(),
  sudo: addedFields.sudo.optional(),
  console: addedFields.console.optional(),
});

/** The profiles file: `{ "version": 2, "profiles": Profile[] }`, ids unique. */
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
 * `src-common/protocol/profile.ts`. If this type errors, update the schemas above.
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
  /** What the client sees (`AppErrorCode`). */
  readonly code = 'invalid-profile' satisfies AppErrorCode;

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
 * Validates a watch list sent to `profiles.setWatches`.
 *
 * @throws ProfileValidationError listing every problem (paths relative to `watchExpressions`).
 */
export function parseWatchExpressions(raw: unknown): string[] {
  const result = watchExpressionsSchema.safeParse(raw);
  if (!result.success) {
    throw new ProfileValidationError(
      'Invalid watch expressions',
      toIssues(result.error).map((issue) => ({
        ...issue,
        path: issue.path === '(root)' ? 'watchExpressions' : `watchExpressions.${issue.path}`,
      })),
    );
  }
  return result.data;
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
 * Brings a version-1 file to version 2: every profile gets empty `jumpHosts`, `env`, `logFiles`
 * and `watchExpressions`, and the default `attachPort`. Anything else in it is left for validation.
 */
function migrateV1toV2(raw: Record<string, unknown>): Record<string, unknown> {
  const profiles = Array.isArray(raw.profiles)
    ? raw.profiles.map((profile: unknown) =>
        typeof profile === 'object' && profile !== null && !Array.isArray(profile)
          ? {
              jumpHosts: [],
              env: [],
              logFiles: [],
              watchExpressions: [],
              attachPort: DEFAULT_ATTACH_PORT,
              subProcess: true,
              maxChildProcesses: DEFAULT_MAX_CHILD_PROCESSES,
              django: false,
              jinja: false,
              ...DEBUG_OPTION_DEFAULTS,
              pythonArgs: [],
              containers: [],
              capture: true,
              ...profile,
            }
          : profile,
      )
    : raw.profiles;
  return { ...raw, version: 2, profiles };
}

/** Migrations by the version they read; each returns the next version's content. */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  1: migrateV1toV2,
};

/**
 * Reads the parsed JSON of a profiles file and brings it to the current format, running each
 * migration from the file's version up to {@link PROFILE_FILE_VERSION}, then validates it.
 *
 * @throws ProfileFileVersionError when `version` is a number above {@link PROFILE_FILE_VERSION}.
 * @throws ProfileValidationError when the content is not a valid profiles file (no or bad
 *   `version`, a bad profile, duplicate ids).
 */
export function migrate(raw: unknown): ProfileFile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProfileValidationError('Invalid profiles file', [
      { path: '(root)', message: 'must be a JSON object { "version": 2, "profiles": [...] }' },
    ]);
  }
  const version: unknown = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > PROFILE_FILE_VERSION) {
    throw new ProfileFileVersionError(version);
  }
  if (typeof version !== 'number' || (version !== PROFILE_FILE_VERSION && !MIGRATIONS[version])) {
    throw new ProfileValidationError('Invalid profiles file', [
      {
        path: 'version',
        message: `must be a number from 1 to ${PROFILE_FILE_VERSION}, got ${JSON.stringify(version)}`,
      },
    ]);
  }
  let current = raw as Record<string, unknown>;
  for (let from = version; from < PROFILE_FILE_VERSION; from++) {
    const step = MIGRATIONS[from];
    if (!step) throw new Error(`no profiles file migration from version ${from}`);
    current = step(current);
  }
  const result = profileFileSchema.safeParse(current);
  if (!result.success) {
    throw new ProfileValidationError('Invalid profiles file', toIssues(result.error));
  }
  return result.data;
}
