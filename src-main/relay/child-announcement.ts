/**
 * How a tracer announces a child process of the debugged program, read and checked: debugpy's
 * `debugpyAttach` event (debugpy ≤ 1.6.6, and later ones for clients that do not support
 * `startDebugging`) or the DAP `startDebugging` reverse request (DAP 1.60; debugpy ≥ 1.6.7 for a
 * client whose `initialize` said `supportsStartDebuggingRequest`). Either way the body is an
 * attach configuration that debugpy copied from the parent's (`adapter/clients.py`:
 * `notify_of_subprocess`): the parent's arguments, minus `processId`/`listen`/…, plus
 * `name` ("Subprocess <pid>"), `request: "attach"`, `subProcessId` and `connect: {host, port}`
 * (the address the parent was attached through, else the adapter's own listener).
 *
 * A tracer is outside input: anything malformed is refused here (undefined), never thrown.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Longest configuration kept, in JSON characters; bigger ones are refused. */
const MAX_CONFIGURATION_CHARS = 64 * 1024;

/** A child process to attach to. */
export interface ChildAnnouncement {
  /** The child's pid (debugpy's `subProcessId`). */
  pid: number;
  /** Where its debug adapter takes the child's session, as the tracer's machine sees it. */
  connect?: { host: string; port: number };
  /** The attach arguments to send for it (the tracer's configuration, as it sent it). */
  configuration: Record<string, unknown>;
  /** How it was announced; a `startDebugging` request wants a response. */
  via: 'debugpyAttach' | 'startDebugging';
}

/** The announcement in a tracer's event, or undefined when it is none (or malformed). */
export function announcedByEvent(event: DebugProtocol.Event): ChildAnnouncement | undefined {
  if (event.event !== 'debugpyAttach') return undefined;
  return read(event.body, 'debugpyAttach');
}

/** The announcement in a tracer's reverse request, or undefined when it is none (or malformed). */
export function announcedByRequest(request: DebugProtocol.Request): ChildAnnouncement | undefined {
  if (request.command !== 'startDebugging') return undefined;
  const args = request.arguments as Partial<DebugProtocol.StartDebuggingRequestArguments> | null;
  if (!isRecord(args) || args.request !== 'attach') return undefined;
  return read(args.configuration, 'startDebugging');
}

function read(body: unknown, via: ChildAnnouncement['via']): ChildAnnouncement | undefined {
  if (!isRecord(body)) return undefined;
  const pid = body.subProcessId;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  let size: number;
  try {
    size = JSON.stringify(body).length;
  } catch {
    return undefined; // cycles or depth beyond the stack: not a configuration
  }
  if (size > MAX_CONFIGURATION_CHARS) return undefined;
  const connect = body.connect;
  const address =
    isRecord(connect) &&
    typeof connect.host === 'string' &&
    connect.host.length > 0 &&
    connect.host.length <= 255 &&
    typeof connect.port === 'number' &&
    Number.isInteger(connect.port) &&
    connect.port > 0 &&
    connect.port < 65536
      ? { host: connect.host, port: connect.port }
      : undefined;
  return { pid, ...(address ? { connect: address } : {}), configuration: { ...body }, via };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
