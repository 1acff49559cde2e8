/**
 * launch.json's `sudo`: the program runs as root through sudo(8) on the remote machine. Before
 * the launch, {@link grantSudo} finds out whether sudo needs a password there (`sudo -n`), asks
 * the user for it when it does, and checks it with `sudo -S -k` (at most
 * {@link SUDO_PASSWORD_TRIES} answers, as sudo's own `passwd_tries`), so the launch itself never
 * waits on a prompt nobody sees. Both checks run the launch's own interpreter, so a sudoers rule
 * that allows only that interpreter is honoured.
 *
 * sudo keeps no credential between SSH commands here (with no terminal its timestamp is per parent
 * process), so the launch feeds the password again on the program's stdin, which `sudo -S` reads
 * one byte at a time up to the newline, leaving the rest for the program
 * (`remote/python/output_mux.py`, sudo mode). The password lives in this process's memory for the
 * session (its Stop runs the kill as root too) and never reaches a command line or a log.
 *
 * Messages matched here are sudo 1.9's (`plugins/sudoers/logging.c`, `check.c`): "a password is
 * required", "incorrect password attempt", "is not in the sudoers file", "is not allowed to
 * execute", "may not run sudo".
 */
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { SshError } from '../../ssh/ssh-error.js';
import { refused, sudoNeeds, sudoProbeCommand } from '../probes/sudo-probe.js';

/** How many passwords the user may try before the launch gives up (sudo's default `passwd_tries`). */
export const SUDO_PASSWORD_TRIES = 3;

/** How the launch asks for the sudo password. */
export interface SudoOptions {
  /**
   * Asks the user for the sudo password of the SSH user on the remote machine; `retry` is true
   * after sudo refused the previous answer (a kept or stored one must then not be offered again).
   * Resolves with `undefined` when the user cancelled.
   */
  askPassword(retry: boolean): Promise<string | undefined>;
}

/** What the launch needs to run a command as root: the password, when sudo needs one. */
export interface SudoGrant {
  /** The checked password; absent when sudo needs none (NOPASSWD, or the SSH user is root). */
  password?: string;
}

/**
 * The sudo options before the command: `-S -p ''` (password on stdin, no prompt) when there is a
 * password, else `-n` (fail rather than ask); `--` ends sudo's options.
 */
export function sudoPrefix(grant: SudoGrant): string[] {
  return grant.password === undefined ? ['sudo', '-n', '--'] : ['sudo', '-S', '-p', '', '--'];
}

/** What goes on the stdin of a `sudoPrefix` command before anything else. */
export function sudoStdin(grant: SudoGrant): string {
  return grant.password === undefined ? '' : `${grant.password}\n`;
}

/**
 * Finds out whether sudo runs `python` for the SSH user on `host`, asking for and checking the
 * password when sudo needs one.
 * @param place wraps each command (a container's `docker exec`), as `LaunchOptions.place`.
 * @throws SshError `launch-failed` when sudo is not installed, refuses the user (the message says
 *   sudo's reason), the user cancelled, or {@link SUDO_PASSWORD_TRIES} passwords were wrong;
 *   `ssh-failed` when the connection fails.
 */
export async function grantSudo(
  connection: SshConnection,
  python: string,
  sudo: SudoOptions,
  place: (command: string) => string = (command) => command,
): Promise<SudoGrant> {
  const { host, user } = connection.target;
  if ((await sudoNeeds(connection, python, place)) === 'nothing') return {};
  for (let attempt = 0; attempt < SUDO_PASSWORD_TRIES; attempt++) {
    const password = await sudo.askPassword(attempt > 0);
    if (password === undefined)
      throw new SshError(
        'launch-failed',
        `The launch was cancelled: no sudo password for ${user}@${host}`,
      );
    if (password.includes('\n'))
      throw new SshError('launch-failed', 'A sudo password cannot contain a line break');
    const check = await connection.run(
      place(shellJoin(['sudo', '-S', '-k', '-p', '', '--', ...sudoProbeCommand(python)])),
      { stdin: `${password}\n` },
    );
    if (check.code === 0) return { password };
    if (!/incorrect password|Sorry, try again/.test(check.stderr))
      throw refused(check.stderr, user, host);
  }
  throw new SshError(
    'launch-failed',
    `sudo on ${host} refused the password for ${user} ${SUDO_PASSWORD_TRIES} times; the program was not started`,
  );
}
