/**
 * Connection profiles as the relay and the renderer see them.
 *
 * A profile never holds a secret (password, passphrase): only where to find a key or that the
 * ssh-agent is to be used. Stored by `src-main/profiles/profile-store.ts`.
 */

/** How the SSH connection authenticates. */
export type ProfileAuth =
  /** Use the agent at `$SSH_AUTH_SOCK` (OpenSSH `ssh-agent`). */
  | { kind: 'agent' }
  /** A private key file on the laptop, e.g. `~/.ssh/id_ed25519` (`~` is expanded). */
  | { kind: 'key'; keyPath: string };

/**
 * One path mapping, as debugpy's `pathMappings` attach argument: a file at
 * `localRoot/<rel>` on the laptop is the file at `remoteRoot/<rel>` on the remote machine.
 */
export interface PathMapping {
  localRoot: string;
  remoteRoot: string;
}

/** A saved connection to one remote machine and its debug settings. */
export interface Profile {
  /** Stable random id, assigned by the store on first save. */
  id: string;
  /** Name shown in the UI, e.g. "staging-web-1". Non-empty. */
  name: string;
  /** Host name or address of the SSH server. */
  host: string;
  /** SSH port, 1–65535 (OpenSSH default 22). */
  port: number;
  /** Remote user name. */
  user: string;
  auth: ProfileAuth;
  /** Remote Python interpreter that has debugpy, e.g. `python3` or `/usr/bin/python3`. */
  python: string;
  /** Default working directory on the remote machine for launches; empty = the login directory. */
  cwd: string;
  pathMappings: PathMapping[];
  /** debugpy `justMyCode`: step and break only in user code. */
  justMyCode: boolean;
}

/** A profile as sent to `profiles.save`: without an id it is created, with one it replaces. */
export type ProfileDraft = Omit<Profile, 'id'> & { id?: string };
