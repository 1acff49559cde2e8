/**
 * A snapshot as a read-only DAP session (the adapter side of the Debug Adapter Protocol): any DAP
 * client browses what the program looked like, and nothing runs.
 *
 *   initialize → launch or attach (any arguments) → `initialized` → setBreakpoints… →
 *   configurationDone → `stopped` (reason `exception`, or `snapshot` for a snapshot point) on the
 *   thread that raised, with the traceback as `output`.
 *
 * Served: threads (each recorded thread, then one per chained exception: "caused by …"),
 * stackTrace (with `startFrame`/`levels`), scopes (Locals, Globals used, Exception), variables
 * (with `start`/`count` paging and `indexedVariables`/`namedVariables`), source (the text recorded
 * with the snapshot, by `sourceReference`), exceptionInfo, and evaluate of names, attributes and
 * indexes over recorded values (`snapshot-expression.ts`). Step, continue, pause, setVariable and
 * the rest are refused with a message that says why. Breakpoints are answered unverified.
 *
 * Pure logic, no I/O: {@link SnapshotReplay.handle} turns one request into one response and the
 * events that follow it; `replay-server.ts` puts it on a stream.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { basename } from 'node:path';
import type {
  SnapshotDocument,
  SnapshotException,
  SnapshotFrame,
  SnapshotObject,
  SnapshotValue,
} from './snapshot-document.js';
import { formatTraceback } from './snapshot-traceback.js';
import { parseSnapshotExpression, type PathStep } from './snapshot-expression.js';

/** What one request gives: the response body (or an error message) and events after it. */
export interface ReplayAnswer {
  body?: unknown;
  error?: string;
  events: { event: string; body?: unknown }[];
}

/** A snapshot thread as DAP sees it: a recorded thread, or a chained exception's traceback. */
interface ReplayThread {
  id: number;
  name: string;
  frames: number[];
  exception?: SnapshotException;
}

/** The message every request that would run the program gets. */
export const READ_ONLY_MESSAGE =
  'This is a snapshot of a program at one moment: it cannot run, step or change. Its values are as they were recorded.';

/** The capture hooks of exceptions nobody caught (the others were caught and reported). */
const UNCAUGHT_HOOKS: ReadonlySet<string> = new Set([
  'sys.excepthook',
  'threading.excepthook',
  'asyncio',
]);

/** Variables references: object table refs as they are; scopes get refs above this. */
const SCOPE_BASE = 1_000_000_000;

/** See the module comment. */
export class SnapshotReplay {
  private readonly threads: ReplayThread[];
  /** Source paths by `sourceReference` (1-based position). */
  private readonly sourcePaths: string[];
  /** Scopes handed out: variablesReference - SCOPE_BASE → the object ref they show. */
  private readonly scopeRefs: { ref: number; kind: 'exception' | 'object' }[] = [];
  private configured = false;

  constructor(private readonly doc: SnapshotDocument) {
    this.sourcePaths = Object.keys(doc.sources).filter(
      (path) => doc.sources[path]?.text !== undefined,
    );
    this.threads = this.buildThreads();
  }

  /** The thread a client is shown first: the one that raised (or hit the snapshot point). */
  get firstThreadId(): number {
    return this.threads[0]?.id ?? 1;
  }

  /** Answers one request. Never throws: a bad argument gives an error answer. */
  handle(command: string, args: Record<string, unknown> = {}): ReplayAnswer {
    try {
      return this.answer(command, args);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error), events: [] };
    }
  }

  private answer(command: string, args: Record<string, unknown>): ReplayAnswer {
    switch (command) {
      case 'initialize':
        return { body: CAPABILITIES, events: [] };
      case 'launch':
      case 'attach':
        return { body: {}, events: [{ event: 'initialized' }] };
      case 'setBreakpoints': {
        const breakpoints =
          (args['breakpoints'] as DebugProtocol.SourceBreakpoint[] | undefined) ?? [];
        return {
          body: {
            breakpoints: breakpoints.map((b) => ({
              verified: false,
              line: b.line,
              message: 'A snapshot does not run, so no breakpoint can be hit.',
            })),
          },
          events: [],
        };
      }
      case 'setFunctionBreakpoints':
      case 'setDataBreakpoints':
      case 'setInstructionBreakpoints':
        return { body: { breakpoints: [] }, events: [] };
      case 'setExceptionBreakpoints':
        return { body: {}, events: [] };
      case 'configurationDone':
        return { body: {}, events: this.configure() };
      case 'threads':
        return {
          body: { threads: this.threads.map(({ id, name }) => ({ id, name })) },
          events: [],
        };
      case 'stackTrace':
        return { body: this.stackTrace(args), events: [] };
      case 'scopes':
        return { body: { scopes: this.scopes(number(args['frameId'], 'frameId')) }, events: [] };
      case 'variables':
        return { body: { variables: this.variables(args) }, events: [] };
      case 'source':
        return { body: this.source(args), events: [] };
      case 'exceptionInfo':
        return { body: this.exceptionInfo(number(args['threadId'], 'threadId')), events: [] };
      case 'evaluate':
        return { body: this.evaluate(args), events: [] };
      case 'loadedSources':
        return {
          body: { sources: this.sourcePaths.map((p, i) => this.sourceOf(p, i + 1)) },
          events: [],
        };
      case 'disconnect':
      case 'terminate':
        return { body: {}, events: [{ event: 'terminated' }] };
      default:
        return { error: `${command}: ${READ_ONLY_MESSAGE}`, events: [] };
    }
  }

  private configure(): ReplayAnswer['events'] {
    if (this.configured) return [];
    this.configured = true;
    const root =
      this.doc.exception !== undefined ? this.doc.exceptions[this.doc.exception] : undefined;
    const point = this.doc.capture.point;
    const when = this.doc.capture.time;
    const header = root
      ? `Snapshot of ${this.doc.process.program || 'a program'} (pid ${this.doc.process.pid} on ${this.doc.process.host}) at ${when}: ${root.type}: ${root.message}\n`
      : `Snapshot point ${point?.id ?? ''} (hit ${point?.hit ?? 1}) in ${this.doc.process.program || 'a program'} (pid ${this.doc.process.pid} on ${this.doc.process.host}) at ${when}\n`;
    const traceback = root ? formatTraceback(this.doc) : '';
    return [
      {
        event: 'process',
        body: {
          name: this.doc.process.program || 'snapshot',
          systemProcessId: this.doc.process.pid,
          isLocalProcess: false,
          startMethod: 'attach',
        },
      },
      { event: 'output', body: { category: 'console', output: header } },
      ...(traceback ? [{ event: 'output', body: { category: 'stderr', output: traceback } }] : []),
      {
        event: 'stopped',
        body: {
          reason: root ? 'exception' : 'snapshot',
          description: root ? 'Snapshot' : 'Snapshot point',
          text: root ? `${root.type}: ${root.message}` : undefined,
          threadId: this.firstThreadId,
          allThreadsStopped: true,
        },
      },
    ];
  }

  private buildThreads(): ReplayThread[] {
    const threads: ReplayThread[] = this.doc.threads.map((t, i) => ({
      id: i + 1,
      name: t.crashed ? `${t.name} (raised here)` : t.name,
      frames: t.frames,
      ...(t.crashed && this.doc.exception !== undefined
        ? { exception: this.doc.exceptions[this.doc.exception] }
        : {}),
    }));
    // The rest of the chain: each cause, context and group member with its own traceback.
    const root = this.doc.exception;
    const seen = new Set<number>(root === undefined ? [] : [root]);
    const visit = (index: number, how: string): void => {
      if (seen.has(index)) return;
      seen.add(index);
      const exception = this.doc.exceptions[index]!;
      threads.push({
        id: threads.length + 1,
        name: `${how}: ${exception.type}: ${exception.message}`.slice(0, 200),
        frames: exception.frames,
        exception,
      });
      follow(exception);
    };
    const follow = (exception: SnapshotException): void => {
      exception.group?.forEach((member, i) => visit(member, `group member ${i + 1}`));
      if (typeof exception.cause === 'number') visit(exception.cause, 'caused by');
      else if (typeof exception.context === 'number' && !exception.suppressContext)
        visit(exception.context, 'while handling');
    };
    if (root !== undefined) follow(this.doc.exceptions[root]!);
    return threads;
  }

  private thread(threadId: number): ReplayThread {
    const thread = this.threads.find((t) => t.id === threadId);
    if (!thread) throw new Error(`no thread ${threadId} in this snapshot`);
    return thread;
  }

  private frame(frameId: number): SnapshotFrame {
    const frame = this.doc.frames[frameId - 1];
    if (!frame) throw new Error(`no frame ${frameId} in this snapshot`);
    return frame;
  }

  private stackTrace(args: Record<string, unknown>): DebugProtocol.StackTraceResponse['body'] {
    const thread = this.thread(number(args['threadId'], 'threadId'));
    const start = optionalNumber(args['startFrame']) ?? 0;
    const levels = optionalNumber(args['levels']) || thread.frames.length;
    const frames = thread.frames.slice(start, start + levels).map((id) => {
      const frame = this.frame(id);
      const reference = this.sourcePaths.indexOf(frame.file) + 1;
      return {
        id,
        name: frame.name,
        line: frame.line,
        column: 1,
        source: this.sourceOf(frame.file, reference),
        ...(frame.locals ? {} : { presentationHint: 'subtle' as const }),
      };
    });
    return { stackFrames: frames, totalFrames: thread.frames.length };
  }

  private sourceOf(path: string, reference: number): DebugProtocol.Source {
    return {
      name: basename(path),
      path,
      ...(reference > 0 ? { sourceReference: reference, origin: 'recorded in the snapshot' } : {}),
    };
  }

  private scopes(frameId: number): DebugProtocol.Scope[] {
    const frame = this.frame(frameId);
    const scopes: DebugProtocol.Scope[] = [];
    const add = (name: string, ref: number, kind: 'exception' | 'object', hint?: string): void => {
      this.scopeRefs.push({ ref, kind });
      const object = this.doc.objects[String(ref)];
      scopes.push({
        name,
        variablesReference: SCOPE_BASE + this.scopeRefs.length,
        ...(object ? { namedVariables: object.items.length } : {}),
        expensive: false,
        ...(hint ? { presentationHint: hint } : {}),
      });
    };
    if (frame.locals) add('Locals', frame.locals, 'object', 'locals');
    else scopes.push({ name: 'Locals (not captured)', variablesReference: 0, expensive: false });
    if (frame.globals) add('Globals used here', frame.globals, 'object', 'globals');
    const exception = this.threads.find((t) => t.frames[0] === frameId)?.exception;
    if (exception?.value?.ref) add('Exception', exception.value.ref, 'exception');
    return scopes;
  }

  private variables(args: Record<string, unknown>): DebugProtocol.Variable[] {
    const reference = number(args['variablesReference'], 'variablesReference');
    const ref =
      reference > SCOPE_BASE ? this.scopeRefs[reference - SCOPE_BASE - 1]?.ref : reference;
    const object = ref === undefined ? undefined : this.doc.objects[String(ref)];
    if (!object) throw new Error(`no variables with reference ${reference} in this snapshot`);
    const children = childrenOf(object).map(({ name, value }) => toVariable(name, value, this.doc));
    const filter = args['filter'];
    const filtered =
      filter === 'indexed'
        ? object.kind === 'indexed'
          ? children
          : []
        : filter === 'named'
          ? object.kind === 'named'
            ? children
            : []
          : children;
    const start = optionalNumber(args['start']) ?? 0;
    const count = optionalNumber(args['count']) || filtered.length;
    return filtered.slice(start, start + count);
  }

  private source(args: Record<string, unknown>): DebugProtocol.SourceResponse['body'] {
    const given = args['source'] as DebugProtocol.Source | undefined;
    const reference = optionalNumber(args['sourceReference']) || given?.sourceReference || 0;
    const path = reference > 0 ? this.sourcePaths[reference - 1] : given?.path;
    const text = path === undefined ? undefined : this.doc.sources[path]?.text;
    if (text === undefined)
      throw new Error(
        `the snapshot did not record the source of ${path ?? `reference ${reference}`}`,
      );
    return { content: text, mimeType: 'text/x-python' };
  }

  private exceptionInfo(threadId: number): DebugProtocol.ExceptionInfoResponse['body'] {
    const exception = this.thread(threadId).exception;
    if (!exception) throw new Error('this thread did not raise an exception in this snapshot');
    return {
      exceptionId: exception.type,
      description: exception.message,
      // Nobody caught it (excepthooks, asyncio), or a framework or `logger.exception` did.
      breakMode: UNCAUGHT_HOOKS.has(this.doc.capture.hook) ? 'unhandled' : 'always',
      details: {
        message: exception.message,
        typeName: exception.type,
        stackTrace: formatTraceback(this.doc),
      },
    };
  }

  private evaluate(args: Record<string, unknown>): DebugProtocol.EvaluateResponse['body'] {
    const expression = typeof args['expression'] === 'string' ? args['expression'] : '';
    const steps = parseSnapshotExpression(expression);
    const frameId = optionalNumber(args['frameId']) ?? this.threads[0]?.frames[0];
    if (frameId === undefined) throw new Error('this snapshot has no frames to evaluate in');
    const frame = this.frame(frameId);
    const first = steps[0]!;
    let value = lookup(frame.locals, first, this.doc) ?? lookup(frame.globals, first, this.doc);
    if (!value) {
      throw new Error(
        frame.locals
          ? `${describe(first)} was not recorded in this frame of the snapshot`
          : 'the locals of this frame were not recorded in the snapshot',
      );
    }
    let path = describe(first);
    for (const step of steps.slice(1)) {
      if (value.redacted) throw new Error(`${path} is redacted in this snapshot`);
      if (!value.ref) {
        throw new Error(
          value.cut
            ? `${path} was not captured in depth (${cutReason(value.cut)})`
            : `${path} is a ${value.type ?? 'value'} without recorded members`,
        );
      }
      const next = lookup(value.ref, step, this.doc);
      path += step.kind === 'name' ? `.${step.name}` : `[${step.text}]`;
      if (!next) throw new Error(`${path} was not recorded in the snapshot`);
      value = next;
    }
    const variable = toVariable(expression, value, this.doc);
    return {
      result: variable.value,
      ...(variable.type ? { type: variable.type } : {}),
      variablesReference: variable.variablesReference,
      ...(variable.indexedVariables !== undefined
        ? { indexedVariables: variable.indexedVariables }
        : {}),
      ...(variable.namedVariables !== undefined ? { namedVariables: variable.namedVariables } : {}),
    };
  }
}

/** What the adapter says it can do in its `initialize` response. */
const CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsExceptionInfoRequest: true,
  supportsLoadedSourcesRequest: true,
  supportsEvaluateForHovers: true,
  supportsSetVariable: false,
  supportsStepBack: false,
  supportsRestartRequest: false,
  supportsTerminateRequest: true,
  supportsDelayedStackTraceLoading: true,
  supportsConditionalBreakpoints: false,
  supportsHitConditionalBreakpoints: false,
  supportsLogPoints: false,
};

/** The children of an object, with a last row saying what was cut when not all were recorded. */
function childrenOf(object: SnapshotObject): { name: string; value: SnapshotValue }[] {
  const items = object.items.slice();
  if (object.error) items.push({ name: '(error)', value: { type: 'error', repr: object.error } });
  if (object.cut) {
    const missing = (object.length ?? items.length) - object.items.length;
    items.push({
      name: '…',
      value: {
        type: 'not captured',
        repr:
          missing > 0
            ? `${missing} more not captured (${cutReason(object.cut)})`
            : `not captured (${cutReason(object.cut)})`,
      },
    });
  }
  return items;
}

/** A recorded value as a DAP variable; `redacted` and `not captured` read differently. */
function toVariable(
  name: string,
  value: SnapshotValue,
  doc: SnapshotDocument,
): DebugProtocol.Variable {
  if (value.redacted) {
    return {
      name,
      value: 'redacted',
      type: 'redacted',
      variablesReference: 0,
      presentationHint: { kind: 'data', attributes: ['readOnly'] },
    };
  }
  const object = value.ref ? doc.objects[String(value.ref)] : undefined;
  let text = value.repr ?? '';
  if (object?.shape)
    text = `${object.type} shape=(${object.shape.join(', ')}) dtype=${typeof object.dtype === 'string' ? object.dtype : 'mixed'}`;
  if (value.cut === 'string')
    text += ` (cut at ${text.length} of ${value.length ?? '?'} characters)`;
  else if (value.cut && !object) text += ` (not captured: ${cutReason(value.cut)})`;
  const children = object ? childrenOf(object).length : 0;
  return {
    name,
    value: text,
    ...(value.type ? { type: value.type } : {}),
    variablesReference: object ? (value.ref ?? 0) : 0,
    ...(object?.kind === 'indexed' ? { indexedVariables: children } : {}),
    ...(object?.kind === 'named' ? { namedVariables: children } : {}),
    presentationHint: { attributes: ['readOnly'] },
  };
}

/** Words for a cut reason (`docs/snapshot-format.md`). */
export function cutReason(cut: string): string {
  switch (cut) {
    case 'depth':
      return 'deeper than the depth limit';
    case 'items':
      return 'beyond the items limit';
    case 'size':
      return 'the size budget ran out';
    case 'time':
      return 'the capture time budget ran out';
    case 'string':
      return 'longer than the string limit';
    default:
      return cut;
  }
}

function lookup(
  ref: number | null | undefined,
  step: PathStep,
  doc: SnapshotDocument,
): SnapshotValue | undefined {
  const object = ref ? doc.objects[String(ref)] : undefined;
  if (!object) return undefined;
  const wanted = step.kind === 'name' ? step.name : step.key;
  return object.items.find((item) => item.name === wanted)?.value;
}

function describe(step: PathStep): string {
  return step.kind === 'name' ? step.name : `[${step.text}]`;
}

function number(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new Error(`${name} must be an integer`);
  return value;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
