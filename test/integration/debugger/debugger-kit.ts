/**
 * A debugger test world: a real sshd on loopback, the relay, a program launched under a real
 * debugpy over SSH, and the renderer's {@link DebugSessionModel} talking to it through an
 * in-memory relay client (exactly the requests the UI makes, without the browser).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type {
  AppEvents,
  LaunchParams,
  SessionInfo,
} from '../../../src-common/protocol/client-protocol.js';
import type { PathMapping, Profile, ProfileDraft } from '../../../src-common/protocol/profile.js';
import { createLogger, type LogSink } from '../../../src-main/log/logger.js';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { DebugSessionModel, type ConsoleKind } from '../../../src-renderer/debug/session-model.js';
import type { DebugSessionView } from '../../../src-renderer/debug/session-view.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import type { TestSshd } from '../../harness/sshd.js';

/** One launched program and the model that debugs it. */
export interface DebuggerWorld {
  relay: Backend;
  client: RelayTestClient;
  profile: Profile;
  session: SessionInfo;
  model: DebugSessionModel;
  /** What the model wrote to its console. */
  consoleText(): string;
  /** Sends a DAP request as the renderer does. */
  dap(command: string, args?: unknown): Promise<DebugProtocol.Response>;
  /** Resolves once the model's view satisfies `predicate` (rejects after `timeoutMs`). */
  until(
    predicate: (view: DebugSessionView) => boolean,
    timeoutMs?: number,
  ): Promise<DebugSessionView>;
  dispose(): Promise<void>;
}

/** Options of {@link launchWorld}. */
export interface WorldOptions {
  program: string;
  /** Run `program` as a module (`python -m program`) instead of a file. */
  module?: boolean;
  /** More fields of the saved profile (launch.json's debug options, env…). */
  profile?: Partial<ProfileDraft>;
  /** The launch's working directory on the remote machine (default: the profile's). */
  cwd?: string;
  /** Receives every log line of the backend (default: none). */
  logSink?: LogSink;
  args?: string[];
  breakpoints?: { path: string; lines: number[] }[];
  pathMappings?: PathMapping[];
  justMyCode?: boolean;
  /** Launch inside this container of the machine (`LaunchParams.container`). */
  container?: ContainerTarget;
  /**
   * Answers the relay's `secret.prompt`s (e.g. sudo's password): the answer, or null to cancel.
   * Without it a prompt stays unanswered.
   */
  secrets?: (prompt: AppEvents['secret.prompt']) => string | null;
  /** The console's size for a program in a terminal (`LaunchParams.terminalSize`). */
  terminalSize?: { cols: number; rows: number };
}

/** Starts the relay, launches `program` over SSH under debugpy and wires a model to it. */
export async function launchWorld(sshd: TestSshd, options: WorldOptions): Promise<DebuggerWorld> {
  const root = await mkdtemp(join(tmpdir(), 'periscope-debugger-it-'));
  const { relay, profile } = await loopbackRelay(root, sshd, {
    profile: {
      pathMappings: options.pathMappings ?? [],
      justMyCode: options.justMyCode ?? true,
      ...options.profile,
    },
    ...(options.logSink && {
      backend: { logger: createLogger('test', options.logSink, 'debug', false) },
    }),
  });
  const client = new RelayTestClient();
  relay.connectClient(client);
  const answer = options.secrets;
  if (answer)
    client.observe((m) => {
      if (m.type !== 'app-event' || m.event !== 'secret.prompt') return;
      const prompt = m.body as AppEvents['secret.prompt'];
      const given = answer(prompt);
      setTimeout(
        () =>
          void client.app('secret.answer', {
            promptId: prompt.promptId,
            answers: given === null ? null : [given],
          }),
        0,
      );
    });
  let seq = 1;
  let sessionId = '';
  const dap = (command: string, args?: unknown) => client.dap(sessionId, seq++, command, args);
  let text = '';
  const listeners = new Set<() => void>();
  const pending: DebugProtocol.Event[] = [];
  const holder: { model?: DebugSessionModel } = {};

  // Events may arrive before the launch answers: keep them for the model.
  const originalSend = client.send.bind(client);
  client.send = (message: string) => {
    originalSend(message);
    const parsed = JSON.parse(message) as {
      type: string;
      message?: DebugProtocol.ProtocolMessage;
    };
    if (parsed.type === 'dap' && parsed.message?.type === 'event') {
      const event = parsed.message as DebugProtocol.Event;
      if (holder.model) void holder.model.handleEvent(event);
      else pending.push(event);
    }
  };

  const params: LaunchParams = {
    profileId: profile.id,
    target: options.module
      ? { kind: 'module', module: options.program }
      : { kind: 'file', path: options.program },
    args: options.args ?? [],
    cwd: options.cwd ?? '',
    ...(options.container && { container: options.container }),
    ...(options.terminalSize && { terminalSize: options.terminalSize }),
    breakpoints: (options.breakpoints ?? []).map((b) => ({
      path: b.path,
      breakpoints: b.lines.map((line) => ({ line })),
    })),
  };
  const { session } = await client.app('session.launch', params);
  sessionId = session.id;
  const model = new DebugSessionModel(session.id, {
    dapRequest: dap,
    console: {
      write: (chunk: string, _kind: ConsoleKind) => {
        text += chunk;
      },
    },
  });
  holder.model = model;
  model.onChange(() => {
    for (const l of listeners) l();
  });
  model.applySessionInfo(session);
  const init = await dap('initialize', { adapterID: 'debugpy' });
  model.applyCapabilities(init.body as DebugProtocol.Capabilities);
  // Per-file breakpoints as the renderer sends them after launching.
  for (const b of options.breakpoints ?? []) await model.setBreakpoints(b.path, b.lines);
  for (const event of pending.splice(0)) await model.handleEvent(event);

  const created = model;
  return {
    relay,
    client,
    profile,
    session,
    model: created,
    consoleText: () => text,
    dap,
    until: (predicate, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (!predicate(created.view)) return false;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(created.view);
          return true;
        };
        const listener = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`the view did not reach the expected state in ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(listener);
        check();
      }),
    dispose: async () => {
      await relay.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The loaded variables of a scope or container, by name. */
export function childrenByName(
  view: DebugSessionView,
  ref: number,
): Record<string, DebugProtocol.Variable> {
  const children = view.children.get(ref);
  if (children?.status !== 'loaded') return {};
  return Object.fromEntries(children.variables.map((v) => [v.name, v]));
}

/** The first scope's `variablesReference` (debugpy: Locals). */
export function localsRef(view: DebugSessionView): number {
  return view.scopes[0]?.variablesReference ?? 0;
}

/** Waits until the model is stopped with its locals loaded. */
export function untilStoppedWithLocals(
  world: DebuggerWorld,
  line?: number,
): Promise<DebugSessionView> {
  return world.until((v) => {
    // Steps keep the previous stop's frames and variables on screen (stale) until the new
    // ones arrive: wait for the new ones.
    if (v.state !== 'stopped' || v.staleFrames || v.staleVariables) return false;
    const frame = v.frames.find((f) => f.id === v.selectedFrameId);
    if (!frame || (line !== undefined && frame.line !== line)) return false;
    return v.children.get(localsRef(v))?.status === 'loaded';
  }, 60_000);
}
