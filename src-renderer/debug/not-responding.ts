/**
 * How the UI says that a session's program is not responding (the relay's `notRespondingSince`:
 * a request to the tracer has waited 5 s or more with nothing from it meanwhile, e.g. a program
 * stopped with SIGSTOP). The state the session had (running, paused) stays; this is said on top.
 */
import type { SessionInfo } from '../../src-common/protocol/client-protocol.js';

/** The clock time `ms` (since the epoch) as HH:MM:SS, local time. */
function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** True while the relay says the session's program is not responding (and it has not ended). */
export function isNotResponding(info: SessionInfo | null | undefined): boolean {
  return !!info && info.state !== 'ended' && info.notRespondingSince !== undefined;
}

/**
 * The status bar's sentence while the program is not responding, e.g. "Not responding — no
 * answer from the program since 14:02:11 (stopped with SIGSTOP or Ctrl-Z? hung? overloaded?)";
 * null while it responds.
 */
export function notRespondingText(info: SessionInfo | null | undefined): string | null {
  if (!isNotResponding(info) || info?.notRespondingSince === undefined) return null;
  return `Not responding — no answer from the program since ${clock(info.notRespondingSince)} (stopped with SIGSTOP or Ctrl-Z? hung? overloaded?)`;
}

/** The Sessions list's short note, e.g. "not responding since 14:02:11"; null while it responds. */
export function notRespondingNote(info: SessionInfo | null | undefined): string | null {
  if (!isNotResponding(info) || info?.notRespondingSince === undefined) return null;
  return `not responding since ${clock(info.notRespondingSince)}`;
}
