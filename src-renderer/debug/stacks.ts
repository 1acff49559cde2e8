/**
 * Threads, stacks and frames of a paused session (DAP `threads`, `stackTrace`): the selected
 * thread's stack (top frame first, painted at once, then the rest), the stacks of other expanded
 * threads, and selecting a frame (its source, scopes and watch values).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { expectSuccess } from './dap-response.js';
import type { DebugSessionView, ThreadStack } from './session-view.js';
import type { ModelCore } from './model-core.js';
import { emptyVariables, loadScopes } from './variables.js';
import { evaluateWatches } from './watches.js';
import { errorMessage } from '../../src-common/errors.js';

/** Maximum frames fetched after the top frame (DAP `stackTrace` `levels`). */
const REST_OF_STACK_LEVELS = 199;

/** The frames and variables part of a view with nothing loaded. */
export function clearedFrames(): Partial<DebugSessionView> {
  return {
    frames: [],
    framesComplete: false,
    selectedFrameId: null,
    staleFrames: false,
    staleTail: false,
    ...emptyVariables(),
  };
}

/** True when the frame row `frameId` is from the previous stop (it cannot be selected). */
export function isStaleFrame(view: DebugSessionView, frameId: number): boolean {
  if (view.staleFrames) return true;
  return view.staleTail && view.frames[0]?.id !== frameId;
}

/**
 * Top frame first (paint it), then the rest of the stack. When the previous stop's frames are
 * still shown, the new top frame replaces theirs and their tail stays, dimmed, until the rest
 * arrives (the stack's length does not jump between two steps).
 */
export async function loadStack(core: ModelCore, threadId: number, gen: number): Promise<void> {
  const top = expectSuccess<DebugProtocol.StackTraceResponse>(
    await core.deps.dapRequest('stackTrace', { threadId, startFrame: 0, levels: 1 }),
  );
  if (gen !== core.generation) return;
  const frames = top.body.stackFrames;
  const total = top.body.totalFrames;
  const complete = frames.length === 0 || (total !== undefined && total <= frames.length);
  const tail = core.current.staleFrames && !complete ? core.current.frames.slice(1) : [];
  core.update({
    frames: [...frames, ...tail],
    framesComplete: complete,
    staleFrames: false,
    staleTail: tail.length > 0,
  });
  if (frames[0]) await loadFrame(core, frames[0], gen);
  if (complete || gen !== core.generation) return;
  const rest = expectSuccess<DebugProtocol.StackTraceResponse>(
    await core.deps.dapRequest('stackTrace', {
      threadId,
      startFrame: frames.length,
      levels: REST_OF_STACK_LEVELS,
    }),
  );
  if (gen !== core.generation) return;
  core.update({
    frames: [...frames, ...rest.body.stackFrames],
    framesComplete: true,
    staleTail: false,
  });
}

/**
 * Loads the stack of a thread other than the selected one into `threadStacks`. A stack already
 * shown (from the previous stop) stays until the new one replaces it.
 */
export async function loadThreadStack(
  core: ModelCore,
  threadId: number,
  gen: number,
): Promise<void> {
  const set = (stack: ThreadStack): void => {
    const stacks = new Map(core.current.threadStacks);
    stacks.set(threadId, stack);
    core.update({ threadStacks: stacks });
  };
  if (core.current.threadStacks.get(threadId)?.status !== 'loaded') set({ status: 'loading' });
  let stack: ThreadStack;
  try {
    const response = expectSuccess<DebugProtocol.StackTraceResponse>(
      await core.deps.dapRequest('stackTrace', { threadId, startFrame: 0, levels: 200 }),
    );
    stack = { status: 'loaded', frames: response.body.stackFrames };
  } catch (err) {
    stack = { status: 'error', message: errorMessage(err) };
  }
  if (gen === core.generation && core.current.threadStacks.has(threadId)) set(stack);
}

/** Selects `frame`: shows its source, loads its scopes and evaluates the watches in it. */
export async function loadFrame(
  core: ModelCore,
  frame: DebugProtocol.StackFrame,
  gen: number,
): Promise<void> {
  const fgen = ++core.frameGeneration;
  const isCurrent = () => gen === core.generation && fgen === core.frameGeneration;
  // The previous stop's variables stay (dimmed) until this frame's replace them.
  core.update(
    core.current.staleVariables
      ? { selectedFrameId: frame.id }
      : { selectedFrameId: frame.id, ...emptyVariables() },
  );
  core.containers.clear();
  await Promise.all([
    showFrameSource(core, frame),
    loadScopes(core, frame.id, isCurrent),
    evaluateWatches(core, frame.id, isCurrent),
  ]);
}

async function showFrameSource(core: ModelCore, frame: DebugProtocol.StackFrame): Promise<void> {
  if (!frame.source || !core.deps.showSource) return;
  try {
    await core.deps.showSource(frame.source, frame.line);
  } catch (err) {
    core.reportError('Could not open the source', err);
  }
}

/** Selects a frame of the loaded stack (not one left from the previous stop). */
export async function selectFrame(core: ModelCore, frameId: number): Promise<void> {
  const frame = core.current.frames.find((f) => f.id === frameId);
  if (!frame || core.current.state !== 'stopped' || isStaleFrame(core.current, frameId)) return;
  await loadFrame(core, frame, core.generation);
}

/** Selects a thread and loads its stack (only while paused). */
export async function selectThread(core: ModelCore, threadId: number): Promise<void> {
  if (core.current.state !== 'stopped' || threadId === core.current.selectedThreadId) return;
  const gen = ++core.generation;
  core.update({ selectedThreadId: threadId, ...clearedFrames() });
  await loadStack(core, threadId, gen);
}

/**
 * Expands or collapses a thread row other than the selected one; expanding loads that thread's
 * stack (DAP `stackTrace`) into `threadStacks`.
 */
export async function toggleThread(core: ModelCore, threadId: number): Promise<void> {
  if (core.current.state !== 'stopped') return;
  const stacks = new Map(core.current.threadStacks);
  if (stacks.has(threadId)) {
    stacks.delete(threadId);
    core.update({ threadStacks: stacks });
    return;
  }
  await loadThreadStack(core, threadId, core.generation);
}

/** Reloads the thread list (DAP `threads`); failures wait for the next stop. */
export async function refreshThreads(core: ModelCore): Promise<void> {
  if (core.current.state === 'ended') return;
  try {
    const response = expectSuccess<DebugProtocol.ThreadsResponse>(
      await core.deps.dapRequest('threads'),
    );
    core.update({ threads: response.body.threads });
  } catch {
    // The thread list is refreshed again on the next stop.
  }
}
