/**
 * Authentication of one SSH hop, as an ssh2 `authHandler` (RFC 4252): the ssh-agent at
 * `$SSH_AUTH_SOCK`, a private key file (asking for its passphrase when it has one), a password,
 * or keyboard-interactive (RFC 4256). Secrets are asked for only after the host key was accepted
 * (ssh2 calls the handler after key exchange) and are never logged.
 *
 * The handler first sends `none` to learn which methods the server accepts, then tries the
 * profile's one method once: like `ssh -o NumberOfPasswordPrompts=1`, a rejected secret is not
 * asked for again (the caller reports `auth-failed` and does not retry).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AuthHandlerMiddleware, AuthenticationType, ParsedKey } from 'ssh2';
import { loadSsh2 } from './ssh2-module.js';
import type { ProfileAuth } from '../../../src-common/protocol/profile.js';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/** Expands a leading `~` or `~/` to the home directory of this user (as ssh(1) does for IdentityFile). */
export function expandHome(file: string): string {
  if (file === '~') return os.homedir();
  if (file.startsWith('~/')) return path.join(os.homedir(), file.slice(2));
  return file;
}

/** One question of a secret request, as keyboard-interactive puts it. */
export interface SecretPromptLine {
  /** e.g. `Password: `. */
  prompt: string;
  /** Whether the answer may be shown while typed (false for passwords and one-time codes). */
  echo: boolean;
}

/** A secret the SSH layer needs from the user (or a store). */
export interface SecretRequest {
  /**
   * `password` / `passphrase` (of `keyPath`) / `keyboard-interactive` (server's own questions) /
   * `sudo` (sudo's password for `user` on `host`, for a launch with launch.json's `sudo`).
   */
  kind: 'password' | 'passphrase' | 'keyboard-interactive' | 'sudo';
  /**
   * Set when the previous answer was refused (sudo said "incorrect password"): a kept or stored
   * secret must not be offered again, the user is asked.
   */
  retry?: boolean;
  host: string;
  port: number;
  user: string;
  /** The key file, for `passphrase`. */
  keyPath?: string;
  /** Title from the server (keyboard-interactive), else empty. */
  name: string;
  /** Instructions from the server (keyboard-interactive), else empty. */
  instructions: string;
  /** One line per answer wanted. */
  prompts: SecretPromptLine[];
  /**
   * 1-based position of this hop in the ProxyJump chain when it is a jump host (set by
   * `openSshConnection`); absent for the destination, so the user can tell which machine asks.
   */
  jumpHost?: number;
}

/**
 * Supplies secrets: resolves with one answer per prompt, or `undefined` when the user declined
 * (then authentication stops with `auth-failed`). Never called for agent or plain key auth.
 */
export type SecretSource = (request: SecretRequest) => Promise<string[] | undefined>;

/** Where one hop authenticates. */
export interface AuthTarget {
  host: string;
  port: number;
  user: string;
  auth: ProfileAuth;
}

/** An ssh2 `authHandler` for one connection attempt and what went wrong, for the error message. */
export interface BoundAuth {
  authHandler: AuthHandlerMiddleware;
  /** Set when authentication failed for a reason of ours (no agent, bad key, user declined…). */
  failure(): SshError | undefined;
  /** e.g. `the key /root/.ssh/id_ed25519`, `the password`: used in "rejected …" messages. */
  description: string;
}

/** Human words for each auth kind. */
function describe(auth: ProfileAuth): string {
  switch (auth.kind) {
    case 'agent':
      return 'the keys of the ssh-agent';
    case 'key':
      return `the key ${expandHome(auth.keyPath)}`;
    case 'password':
      return 'the password';
    case 'keyboard-interactive':
      return 'the keyboard-interactive answers';
  }
}

/** The SSH method names that can carry a profile auth kind, in order of preference. */
function methodsFor(auth: ProfileAuth): AuthenticationType[] {
  switch (auth.kind) {
    case 'agent':
      return ['publickey'];
    case 'key':
      return ['publickey'];
    case 'password':
      // Many servers (PAM) offer passwords only through keyboard-interactive; ssh(1) does the same.
      return ['password', 'keyboard-interactive'];
    case 'keyboard-interactive':
      return ['keyboard-interactive'];
  }
}

/**
 * Builds the `authHandler` for one hop. `secrets` is consulted for passwords, passphrases and
 * keyboard-interactive answers.
 */
export function bindAuth(target: AuthTarget, secrets: SecretSource | undefined): BoundAuth {
  let failure: SshError | undefined;
  let step = 0;
  const where = { host: target.host, port: target.port, user: target.user };
  const ask = async (request: SecretRequest): Promise<string[]> => {
    if (!secrets) {
      throw new SshError(
        'auth-failed',
        `${target.host}:${target.port} needs a ${request.kind === 'passphrase' ? 'key passphrase' : 'password'}, and there is no one to ask`,
      );
    }
    const answers = await secrets(request);
    if (answers === undefined) {
      throw new SshError(
        'auth-failed',
        `authentication to ${target.host}:${target.port} was cancelled`,
        { hop: where, cancelled: true },
      );
    }
    return answers;
  };

  const authHandler: AuthHandlerMiddleware = (methodsLeft, _partialSuccess, next) => {
    step += 1;
    if (step === 1) return next({ type: 'none', username: target.user });
    if (step > 2 || failure) return next(false as unknown as AuthenticationType);
    const offered = methodsLeft ?? [];
    const method = methodsFor(target.auth).find((m) => offered.includes(m));
    if (method === undefined) {
      failure = new SshError(
        'auth-failed',
        `${target.host}:${target.port} does not accept ${describe(target.auth)} (it accepts: ${offered.join(', ') || 'nothing'})`,
        { hop: where },
      );
      return next(false as unknown as AuthenticationType);
    }
    methodFor(target, method, where, ask).then(
      (chosen) => next(chosen),
      (error: unknown) => {
        // Always about this hop: only its secrets are forgotten (`connect/secret-prompts.ts`).
        failure =
          error instanceof SshError
            ? error.hop
              ? error
              : new SshError(error.code, error.message, {
                  cause: error,
                  hop: where,
                  ...(error.cancelled ? { cancelled: true } : {}),
                })
            : new SshError('auth-failed', errorMessage(error), { cause: error, hop: where });
        next(false as unknown as AuthenticationType);
      },
    );
  };
  return { authHandler, failure: () => failure, description: describe(target.auth) };
}

type AnyMethod = Parameters<Parameters<AuthHandlerMiddleware>[2]>[0];

async function methodFor(
  target: AuthTarget,
  method: AuthenticationType,
  where: { host: string; port: number; user: string },
  ask: (request: SecretRequest) => Promise<string[]>,
): Promise<AnyMethod> {
  const username = target.user;
  const auth = target.auth;
  if (auth.kind === 'agent') {
    const socket = process.env.SSH_AUTH_SOCK;
    if (socket === undefined || socket === '') {
      throw new SshError(
        'auth-failed',
        'SSH_AUTH_SOCK is not set, so there is no ssh-agent to use: start ssh-agent and ssh-add your key, or choose a key file in the profile',
      );
    }
    return { type: 'agent', username, agent: socket };
  }
  if (auth.kind === 'key') {
    const { key, passphrase } = await loadPrivateKey(auth.keyPath, where, ask);
    return passphrase === undefined
      ? { type: 'publickey', username, key }
      : { type: 'publickey', username, key, passphrase };
  }
  if (method === 'password') {
    const [password] = await ask({
      kind: 'password',
      ...where,
      name: '',
      instructions: '',
      prompts: [{ prompt: `Password for ${where.user}@${where.host}:`, echo: false }],
    });
    return { type: 'password', username, password: password ?? '' };
  }
  return {
    type: 'keyboard-interactive',
    username,
    prompt: (name, instructions, _lang, prompts, finish) => {
      // Servers may send a round with no questions (e.g. only instructions): answer at once.
      if (prompts.length === 0) return finish([]);
      ask({
        kind: 'keyboard-interactive',
        ...where,
        name,
        instructions,
        prompts: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo ?? false })),
      }).then(finish, () => finish([]));
    },
  };
}

/**
 * Reads and parses a private key (OpenSSH, PEM or PuTTY format), asking for its passphrase when
 * it is encrypted.
 * @throws SshError `auth-failed` when the file is missing or unreadable, not a private key, or
 *   the passphrase is wrong or not given.
 */
export async function loadPrivateKey(
  keyPathAsTyped: string,
  where: { host: string; port: number; user: string },
  ask: (request: SecretRequest) => Promise<string[]>,
): Promise<{ key: Buffer; passphrase?: string }> {
  const keyPath = expandHome(keyPathAsTyped);
  let key: Buffer;
  try {
    key = await readFile(keyPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : errorMessage(error);
    throw new SshError('auth-failed', `could not read the key file ${keyPath}: ${why}`, {
      cause: error,
    });
  }
  let passphrase: string | undefined;
  const ssh2 = await loadSsh2();
  let parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message)) {
    [passphrase] = await ask({
      kind: 'passphrase',
      ...where,
      keyPath,
      name: '',
      instructions: '',
      prompts: [{ prompt: `Passphrase for ${keyPath}:`, echo: false }],
    });
    parsed = ssh2.utils.parseKey(key, passphrase ?? '');
    if (parsed instanceof Error) {
      throw new SshError('auth-failed', `the passphrase for ${keyPath} is wrong`);
    }
  }
  if (parsed instanceof Error) {
    throw new SshError(
      'auth-failed',
      `the key file ${keyPath} is not a private key that can be used: ${parsed.message}`,
    );
  }
  const first = Array.isArray(parsed) ? (parsed as unknown[])[0] : parsed;
  if (first === undefined || !(first as ParsedKey).isPrivateKey()) {
    throw new SshError(
      'auth-failed',
      `the key file ${keyPath} holds a public key, not a private key`,
    );
  }
  return passphrase === undefined ? { key } : { key, passphrase };
}
