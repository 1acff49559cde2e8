/**
 * Follows the child processes of a debugged program: gunicorn's workers, a reloader's server
 * process, `multiprocessing` workers (fork, spawn, forkserver), `subprocess` children.
 *
 * debugpy patches process creation in the debuggee; each Python child connects back to the
 * debug adapter, which announces it on its parent's DAP connection (`child-announcement.ts`:
 * `debugpyAttach`, or `startDebugging` from newer debugpy). The child is then BLOCKED, with no
 * timeout, until a client attaches to it and sends `configurationDone` (debugpy
 * `adapter/servers.py`: `wait_for_ready_to_run`; measured: a `Pool.map` hangs for good). So every
 * announcement gets an answer:
 * - followed: a new DAP connection to the adapter (through the same SSH link), the attach
 *   handshake with the announced configuration (its `subProcessId` picks the child; without it
 *   the adapter answers "already being debugged") and the tree's breakpoints and exception
 *   filters; the child becomes a session of its own in the process tree, joined by the parent's
 *   UI clients, its output in its own console too, and its own children are followed the same
 *   way;
 * - not followed (the profile says no, the tree is at its limit, or no connection can be
 *   opened): the same handshake with nothing set, then `disconnect`, which lets it run on without
 *   the debugger; while the tree is being stopped, `disconnect` ends it instead.
 * Announcements are handled in parallel: a child's handshake takes ~300 ms, most of it debugpy's
 * ~44 ms per request it passes on to pydevd.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import { attachToDebugpy } from './attach-handshake.js';
import {
  announcedByEvent,
  announcedByRequest,
  type ChildAnnouncement,
} from '../relay/child-announcement.js';
import type { DebugSession } from '../relay/debug-session.js';
import type { ProcessTree } from '../relay/process-tree.js';
import type { StartedTracer } from './launch-tracer.js';

/** What following children needs from the root's tracer and from whoever makes sessions. */
export interface ChildProcessContext {
  tree: ProcessTree<DebugSession>;
  /**
   * The tracer side of a child: a DAP connection to the adapter that announced it (`connect`,
   * as the tracer's machine sees it), through the root's SSH link, that can re-attach after a
   * drop like the root. Absent: children cannot be reached (they are left as debugpy leaves them).
   */
  openTracer?(child: ChildAnnouncement): Promise<StartedTracer>;
  /** The command line of a process on the tracer's machine, for the process list. */
  describe?(pid: number): Promise<string | undefined>;
  /** Makes the session of a followed child (listed, joined by the parent's UI clients). */
  openSession(parent: DebugSession, child: ChildAnnouncement, tracer: StartedTracer): DebugSession;
  /** After a child's handshake: keep it attached across SSH drops, as the root is. */
  keepAttached?(session: DebugSession, tracer: StartedTracer, child: ChildAnnouncement): void;
  /** How long each handshake step may take, in ms. */
  stepTimeoutMs?: number;
  logger: Logger;
}

/**
 * Handles every child that `parent`'s tracer announces, on its DAP connection now and on each
 * one after a re-attach (see the module comment).
 */
export function followChildren(parent: DebugSession, context: ChildProcessContext): void {
  parent.onConnection((connection) => listen(parent, connection, context));
}

function listen(
  parent: DebugSession,
  connection: DapConnection,
  context: ChildProcessContext,
): void {
  connection.onEvent((event) => {
    const child = announcedByEvent(event);
    if (child) void answer(parent, child, context);
  });
  connection.onRequest((request) => {
    const child = announcedByRequest(request);
    if (!child) {
      // Other reverse requests (runInTerminal, …) are not Periscope's to serve.
      connection.sendResponse(request, undefined, `request "${request.command}" is not handled`);
      return;
    }
    connection.sendResponse(request, {});
    void answer(parent, child, context);
  });
}

/** Follows or releases one announced child. Never rejects. */
async function answer(
  parent: DebugSession,
  child: ChildAnnouncement,
  context: ChildProcessContext,
): Promise<void> {
  const { tree, logger } = context;
  const log = logger.child(`pid ${child.pid}`);
  if (!context.openTracer) {
    log.warn('a child process was announced, but this tracer cannot reach its adapter');
    return;
  }
  if (tree.endingAs || !tree.reserve()) {
    await release(child, context, tree.endingAs === 'stop', log);
    if (!tree.endingAs && tree.follows && tree.noteUnfollowed(child.pid)) {
      tree.root.updateInfo({ unfollowed: tree.unfollowed });
      tree.root.pushOutput(
        'console',
        `Periscope: process ${child.pid} runs without the debugger: ${tree.maxChildren} child processes of this program are followed already, the profile's limit (Child processes). Raise it to follow more.\n`,
      );
    }
    return;
  }
  let tracer: StartedTracer;
  try {
    tracer = await context.openTracer(child);
  } catch (error) {
    tree.unreserve();
    log.warn('could not open a connection for a child process', { error: String(error) });
    parent.pushOutput(
      'console',
      `Periscope: could not reach the debugger of child process ${child.pid} (${String(error)}); it may stay blocked until its parent ends.\n`,
    );
    return;
  }
  const session = context.openSession(parent, child, tracer);
  tree.add(session);
  followChildren(session, context);
  const describing = context.describe?.(child.pid).catch(() => undefined);
  const exceptions = {
    exceptionFilters: tree.exceptionFilters,
    functionBreakpoints: tree.functionBreakpoints,
  };
  try {
    const attached = await attachToDebugpy(
      tracer.link.connection,
      // redirectOutput: pydevd also sends the child's stdout/stderr as DAP output events (it
      // still writes them to the program's streams, which the root's console shows), so each
      // process's own console shows its own output.
      { ...child.configuration, redirectOutput: true },
      tree.startingBreakpoints(),
      { ...exceptions, ...(context.stepTimeoutMs ? { stepTimeoutMs: context.stepTimeoutMs } : {}) },
    );
    for (const { args, response } of attached.breakpoints)
      session.recordBreakpoints(
        args,
        response.body as DebugProtocol.SetBreakpointsResponse['body'] | undefined,
      );
    session.markAttached(attached.capabilities);
  } catch (error) {
    await session.close(error instanceof Error ? error.message : String(error));
    return;
  }
  context.keepAttached?.(session, tracer, child);
  // A Stop or Detach of the tree that came while this child attached: do the same to it.
  if (tree.endingAs === 'stop') await session.close('the program was stopped');
  else if (tree.endingAs === 'detach') await session.detach('detached with its parent');
  const command = await describing;
  if (command && !session.isEnded) session.updateInfo({ target: command });
  // A forked worker is announced before it renames itself (gunicorn's `setproctitle("gunicorn:
  // worker …")`): until then its title is its parent's. Read once more when it has run a while.
  if (context.describe)
    setTimeout(() => {
      if (session.isEnded) return;
      void context
        .describe?.(child.pid)
        .catch(() => undefined)
        .then((again) => {
          if (again && again !== command && !session.isEnded) session.updateInfo({ target: again });
        });
    }, RENAME_RECHECK_MS).unref();
}

/** When a child's command line is read again after its attach, in ms (see its use). */
const RENAME_RECHECK_MS = 1500;

/** Lets an announced child go: handshake with nothing set, then `disconnect`. Never rejects. */
async function release(
  child: ChildAnnouncement,
  context: ChildProcessContext,
  terminate: boolean,
  log: Logger,
): Promise<void> {
  let tracer: StartedTracer | undefined;
  try {
    tracer = await context.openTracer!(child);
    const dap = tracer.link.connection;
    await attachToDebugpy(dap, child.configuration, [], {
      exceptionFilters: [],
      ...(context.stepTimeoutMs ? { stepTimeoutMs: context.stepTimeoutMs } : {}),
    });
    await dap.sendRequest('disconnect', { terminateDebuggee: terminate }, { timeoutMs: 2000 });
  } catch (error) {
    log.warn('could not release a child process', { error: String(error) });
  } finally {
    await tracer?.link.dispose();
  }
}
