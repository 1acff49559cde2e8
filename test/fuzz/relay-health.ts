/**
 * Whether the relay under fuzzing is still well: its process runs, no bug reached its last-resort
 * guard (an unhandled rejection, logged instead of ending the process), and its memory and file
 * descriptors, read from /proc, stay within bounds.
 */
import { readdir, readFile } from 'node:fs/promises';
import { UNHANDLED_REJECTION_MESSAGE } from '../../src-main/cli/last-resort-guard.js';
import type { RelayProcess } from '../harness/relay-process.js';

/** A reading of the relay process. */
export interface RelayReading {
  rssMb: number;
  /** The highest RSS so far (VmHWM), in MB: a spike between two readings shows here. */
  peakRssMb: number;
  fds: number;
}

/**
 * Error-level log lines a hostile peer may cause without any bug: the relay says why it dropped
 * the peer. Every other error line is the relay catching its own exception (a listener threw, a
 * client request failed in the relay, a step of ending a session failed…): a bug.
 */
const EXPECTED_ERRORS = ['framing error from peer; closing'];

/** The relay's error-level log lines that are not {@link EXPECTED_ERRORS}. */
export function bugLines(log: string): string[] {
  const lines: string[] = [];
  for (const match of log.matchAll(/^\S+ error \[[^\]]*\] (.*)$/gm)) {
    // The log's rate limit sums up repeats as "N similar messages suppressed (…): <the line>".
    const text = (match[1] ?? '').replace(/^\d+ similar messages suppressed \([^)]*\): /, '');
    if (!EXPECTED_ERRORS.some((expected) => text.startsWith(expected)))
      lines.push(match[0].slice(0, 1000));
  }
  return lines;
}

/** Reads the resident set size (MB) and open file descriptors of process `pid`. */
export async function readProcess(pid: number): Promise<RelayReading> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string): number =>
    Math.round(Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024);
  const fds = (await readdir(`/proc/${pid}/fd`)).length;
  return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM'), fds };
}

/**
 * What is wrong with the relay now, or undefined when nothing is: it exited, its log shows a bug
 * (an error line the relay logs on catching its own exception, the guard's line, a stack overflow,
 * a crash), or its RSS, now or at its peak, was above
 * `maxRssMb`.
 */
export async function relayProblem(
  relay: RelayProcess,
  maxRssMb: number,
): Promise<{ problem?: string; reading?: RelayReading }> {
  const { child } = relay;
  if (!relay.alive() || child.pid === undefined) {
    return {
      problem: `the relay exited (code ${child.exitCode}, signal ${child.signalCode}); its log ends:\n${relay.log().slice(-3000)}`,
    };
  }
  const log = relay.log();
  for (const sign of [
    UNHANDLED_REJECTION_MESSAGE,
    'Maximum call stack size exceeded',
    'FATAL ERROR',
  ]) {
    const at = log.indexOf(sign);
    if (at >= 0)
      return {
        problem: `the relay logged "${sign}":\n${log.slice(Math.max(0, at - 200), at + 2000)}`,
      };
  }
  const bugs = bugLines(log);
  if (bugs.length > 0)
    return {
      problem: `the relay logged ${bugs.length} error line(s) that mean a bug:\n${bugs.slice(0, 5).join('\n').slice(0, 4000)}`,
    };
  const reading = await readProcess(child.pid);
  if (reading.peakRssMb > maxRssMb)
    return {
      problem: `the relay's RSS is ${reading.rssMb} MB and was ${reading.peakRssMb} MB at its peak, above the bound of ${maxRssMb} MB`,
      reading,
    };
  return { reading };
}
