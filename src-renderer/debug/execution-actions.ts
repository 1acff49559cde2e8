/**
 * Execution control of a paused or running session: continue, step over/into/out, pause, run to
 * cursor (a temporary breakpoint and `continue`, as VS Code does), jump to cursor (DAP
 * `gotoTargets` + `goto`) and step into a chosen call (`stepInTargets`). Failures are written to
 * the console; none throws except {@link stepInTargets}.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { expectSuccess } from './dap-response.js';
import type { ModelCore } from './model-core.js';
import type { ResumeCommand } from './model-types.js';
import { refreshThreads } from './stacks.js';
import { markRunning } from './stop-handling.js';

/** The thread a resume acts on: the stopped one, else the selected one. */
function resumableThread(core: ModelCore): number | null {
  if (core.current.state !== 'stopped') return null;
  return core.current.stop?.threadId ?? core.current.selectedThreadId;
}

/** Resumes the stopped thread with `continue`, `next` (step over), `stepIn` or `stepOut`. */
export async function resume(core: ModelCore, command: ResumeCommand): Promise<void> {
  const threadId = resumableThread(core);
  if (threadId === null) return;
  markRunning(core);
  try {
    expectSuccess(await core.deps.dapRequest(command, { threadId }));
  } catch (err) {
    core.reportError(`${command} failed`, err);
  }
}

/** Pauses the program (DAP `pause`) on the selected thread, or the first one. */
export async function pause(core: ModelCore): Promise<void> {
  if (core.current.state !== 'running') return;
  try {
    let threadId = core.current.selectedThreadId ?? core.current.threads[0]?.id;
    if (threadId === undefined) {
      await refreshThreads(core);
      threadId = core.current.threads[0]?.id ?? 0;
    }
    core.update({ pausing: true });
    expectSuccess(await core.deps.dapRequest('pause', { threadId }));
  } catch (err) {
    core.update({ pausing: false });
    core.reportError('pause failed', err);
  }
}

/**
 * Run to cursor: a temporary breakpoint at `line` of `path` (sent with the file's own
 * breakpoints, which come back on the next stop), then `continue`. This runs the code in
 * between; {@link jumpToCursor} would skip it.
 */
export async function runToCursor(core: ModelCore, path: string, line: number): Promise<void> {
  if (core.current.state !== 'stopped') return;
  try {
    await core.temporary.place(path, line);
  } catch (err) {
    core.reportError('Run to cursor failed', err);
    return;
  }
  await resume(core, 'continue');
}

/**
 * Jump to cursor (DAP `gotoTargets` + `goto`, gated on `supportsGotoTargetsRequest`): moves the
 * stopped thread's next statement to `line` without running the code in between.
 */
export async function jumpToCursor(core: ModelCore, path: string, line: number): Promise<void> {
  const threadId = resumableThread(core);
  if (threadId === null) return;
  try {
    if (!core.current.capabilities.supportsGotoTargetsRequest) {
      throw new Error('the debugger cannot jump to a line');
    }
    const targets = expectSuccess<DebugProtocol.GotoTargetsResponse>(
      await core.deps.dapRequest('gotoTargets', { source: { path }, line }),
    ).body.targets;
    const target = targets[0];
    if (!target) throw new Error(`line ${line} cannot be jumped to`);
    markRunning(core);
    expectSuccess(await core.deps.dapRequest('goto', { threadId, targetId: target.id }));
  } catch (err) {
    core.reportError('Jump to cursor failed', err);
  }
}

/**
 * The calls of the selected frame's line that "step into target" can enter (DAP
 * `stepInTargets`, gated on `supportsStepInTargetsRequest`). Empty when there are none.
 * @throws Error with the adapter's text when the request fails.
 */
export async function stepInTargets(core: ModelCore): Promise<DebugProtocol.StepInTarget[]> {
  const frameId = core.current.selectedFrameId;
  if (core.current.state !== 'stopped' || frameId === null || core.current.staleFrames) return [];
  if (!core.current.capabilities.supportsStepInTargetsRequest) return [];
  return expectSuccess<DebugProtocol.StepInTargetsResponse>(
    await core.deps.dapRequest('stepInTargets', { frameId }),
  ).body.targets;
}

/** Steps into one target of {@link stepInTargets} (DAP `stepIn` with `targetId`). */
export async function stepIntoTarget(core: ModelCore, targetId: number): Promise<void> {
  const threadId = resumableThread(core);
  if (threadId === null) return;
  markRunning(core);
  try {
    expectSuccess(await core.deps.dapRequest('stepIn', { threadId, targetId }));
  } catch (err) {
    core.reportError('Step into target failed', err);
  }
}
