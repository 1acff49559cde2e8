/**
 * Runs a command on the harness sshd with OpenSSH's own client, as someone on that machine
 * would: for tests that start the program Periscope then attaches to.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestSshd } from './sshd.js';

const run = promisify(execFile);

/** `command` run over `ssh` as the harness user; its stdout. Rejects when it exits non-zero. */
export async function overSsh(sshd: TestSshd, command: string): Promise<string> {
  const { stdout } = await run('ssh', [
    ...['-i', sshd.userKeyPath, '-p', String(sshd.port)],
    ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
    ...['-o', 'LogLevel=ERROR', `${sshd.user}@${sshd.host}`, command],
  ]);
  return stdout;
}

/** Starts `command` in the background over SSH (`nohup`, output to `out`); its pid. */
export async function startOverSsh(
  sshd: TestSshd,
  command: string,
  out = '/dev/null',
): Promise<number> {
  return Number((await overSsh(sshd, `nohup ${command} >${out} 2>&1 & echo $!`)).trim());
}
