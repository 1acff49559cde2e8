/**
 * What sudo(8) needs on the remote machine for the profile's `sudo` (launch.json's): asked
 * with `sudo -n`, which never prompts, so the preflight (`preflight.ts`) and the launch
 * (`remote/launch/sudo.ts`) can both tell before anything starts. Messages matched are sudo
 * 1.9's: "a password is required", "is not in the sudoers file", "may not run sudo".
 */
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { SshError } from '../../ssh/ssh-error.js';

/**
 * The command sudo is asked to run to find out what it needs: the launch's own interpreter doing
 * nothing (`-I -S -c ''`), so a sudoers rule that allows only that interpreter is honoured.
 */
export function sudoProbeCommand(python: string): string[] {
  return [python, '-I', '-S', '-c', ''];
}

/**
 * What sudo needs to run `python` as root for the SSH user (`sudo -n`, which never asks):
 * `nothing` (NOPASSWD, or root), or `password`. sudo says "a password is required" also to a
 * user it would refuse once authenticated (so the policy is not told to strangers): that shows
 * only when the password is checked.
 * @throws SshError `launch-failed` when sudo is not installed, or refuses outright (the message
 *   has sudo's words); `ssh-failed` when the connection fails.
 */
export async function sudoNeeds(
  connection: SshConnection,
  python: string,
  place: (command: string) => string = (command) => command,
): Promise<'nothing' | 'password'> {
  const { host, user } = connection.target;
  const first = await connection.run(
    place(shellJoin(['sudo', '-n', '--', ...sudoProbeCommand(python)])),
  );
  if (first.code === 0) return 'nothing';
  if (first.code === 127 || /sudo: (command )?not found/.test(first.stderr))
    throw new SshError(
      'launch-failed',
      `sudo is not installed on ${host}: install it (Debian: apt-get install sudo) or turn off "sudo" in the profile`,
    );
  if (!/password is required/.test(first.stderr)) throw refused(first.stderr, user, host);
  return 'password';
}

/** The error for sudo refusing `user`, with sudo's own words when it gave some. */
export function refused(stderr: string, user: string, host: string): SshError {
  const said = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^Sorry, try again/.test(line))
    .join(' ');
  const why = said === '' ? '' : ` (sudo said: ${said.slice(0, 300)})`;
  return new SshError(
    'launch-failed',
    `sudo on ${host} does not let ${user} run the program as root${why}; ask the machine's administrator for a sudoers rule, or turn off "sudo" in the profile`,
  );
}
