/**
 * Stop, resume and end of a session's execution state. A stop loads the stopped thread's stack
 * (its top frame, scopes and locals first; the thread list after them) and the stacks of other
 * expanded threads. A resume switches to running at once but leaves the previous stop's frames, current
 * line and variables on screen, dimmed, for a short grace: a stop within it replaces them
 * directly, so stepping does not make the panels flicker; without one they are cleared (VS Code
 * keeps a thread's stale call stack and delays its views' refresh for the same reason).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { expectSuccess } from './dap-response.js';
import type { ModelCore } from './model-core.js';
import { RESUME_GRACE_MS } from './model-types.js';
import { clearedFrames, loadStack, loadThreadStack } from './stacks.js';
import { errorMessage } from '../../src-common/errors.js';

/** Handles a DAP `stopped` event (or a join of a paused session, with reason `pause`). */
export async function handleStopped(
  core: ModelCore,
  body: DebugProtocol.StoppedEvent['body'],
): Promise<void> {
  core.cancelGrace();
  const gen = ++core.generation;
  const ranToCursor = core.temporary.isPlaced;
  void core.temporary.remove().catch((err: unknown) => {
    core.reportError('Could not remove the run-to-cursor breakpoint', err);
  });
  const view = core.current;
  const expandedThreads = [...view.threadStacks.keys()];
  const known = body.threadId ?? null;
  // What is shown stays, dimmed, until this stop's frames replace it, unless it belongs to
  // another thread than the one that stopped.
  const sameThread = known === null || known === view.selectedThreadId;
  const keep =
    sameThread && (view.staleFrames || view.staleVariables || view.state === 'stopped')
      ? {
          staleFrames: view.frames.length > 0,
          staleTail: false,
          staleVariables: view.scopes.length > 0,
        }
      : clearedFrames();
  core.update({
    state: 'stopped',
    pausing: false,
    stop: {
      reason: body.reason,
      threadId: known,
      ...(body.description ? { description: body.description } : {}),
      ...(!body.description && ranToCursor && body.reason === 'breakpoint'
        ? { description: 'Paused at the cursor line' }
        : {}),
      ...(body.text ? { text: body.text } : {}),
    },
    ...keep,
  });
  try {
    // The stopped thread is known from the event: its stack is fetched (and painted) without
    // waiting for the thread list, which is only needed for the call stack's other threads.
    if (known !== null) core.update({ selectedThreadId: known });
    const knownStack = known !== null ? loadStack(core, known, gen) : null;
    // The thread list only after that stack: the tracer answers in order, and the list ahead of
    // the stopped thread's frames and locals would delay what the user is waiting for.
    if (knownStack) await knownStack.catch(() => undefined);
    if (gen !== core.generation) return;
    const threads = expectSuccess<DebugProtocol.ThreadsResponse>(
      await core.deps.dapRequest('threads'),
    );
    if (gen !== core.generation) return;
    const list = threads.body.threads;
    const threadId = known ?? core.current.selectedThreadId ?? list[0]?.id ?? null;
    const stop = core.current.stop ? { ...core.current.stop, threadId } : null;
    const others = expandedThreads.filter((id) => id !== threadId && list.some((t) => t.id === id));
    // Other threads' stacks from the previous stop stay until reloaded; closed ones go.
    const threadStacks = new Map(
      [...core.current.threadStacks].filter(([id]) => others.includes(id)),
    );
    core.update({ threads: list, selectedThreadId: threadId, stop, threadStacks });
    await Promise.all([
      knownStack ?? (threadId !== null ? loadStack(core, threadId, gen) : Promise.resolve()),
      ...others.map((id) => loadThreadStack(core, id, gen)),
    ]);
  } catch (err) {
    if (gen === core.generation) {
      core.deps.console.write(`Could not load the paused state: ${errorMessage(err)}\n`, 'error');
    }
  }
}

/**
 * Switches to running (after a resume request or a `continued` event): the toolbar changes at
 * once, the previous stop's frames and variables stay dimmed for the grace, watches turn stale.
 */
export function markRunning(core: ModelCore): void {
  const view = core.current;
  if (view.state === 'running' || view.state === 'ended') return;
  const gen = ++core.generation;
  core.update({
    state: 'running',
    pausing: false,
    stop: null,
    staleFrames: view.frames.length > 0,
    staleTail: false,
    staleVariables: view.scopes.length > 0 || view.scopesError !== null,
    watches: view.watches.map((w) => ({ ...w, stale: true })),
  });
  core.cancelGrace();
  if (!core.current.staleFrames && !core.current.staleVariables) return;
  core.graceTimer = setTimeout(() => {
    core.graceTimer = null;
    if (gen !== core.generation || core.current.state !== 'running') return;
    core.update({ ...clearedFrames(), threadStacks: new Map() });
  }, core.deps.resumeGraceMs ?? RESUME_GRACE_MS);
}

/** Ends the session's execution state (no grace: nothing will stop again). */
export function markEnded(core: ModelCore, reason: string | null): void {
  core.cancelGrace();
  core.generation++;
  core.update({
    state: 'ended',
    pausing: false,
    endReason: reason ?? core.current.endReason,
    stop: null,
    ...clearedFrames(),
    watches: core.current.watches.map((w) => ({ ...w, stale: true })),
  });
}
