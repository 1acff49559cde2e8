/**
 * Checks that a decoded JSON object is a DAP `ProtocolMessage` (DAP specification, "Base
 * Protocol"): a `request`, `response` or `event` with the fields each kind must carry. Only the
 * envelope is checked; `arguments` and `body` are passed on as they are.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { isTooDeep, MAX_JSON_DEPTH } from '../../src-common/json-limits.js';
import { TooDeepBody } from './framing.js';

/** A decoded message sorted by kind, or the reason it is not a DAP message. */
export type ClassifiedDapMessage =
  | { kind: 'request'; message: DebugProtocol.Request }
  | { kind: 'response'; message: DebugProtocol.Response }
  | { kind: 'event'; message: DebugProtocol.Event }
  | { kind: 'invalid'; problem: string };

/**
 * Sorts `value` into request / response / event, checking the envelope fields:
 * every message needs an integer `seq` ≥ 0 and a `type`; a request a non-empty string `command`;
 * a response an integer `request_seq`, a boolean `success` and a string `command`; an event a
 * non-empty string `event`. A message nesting deeper than {@link MAX_JSON_DEPTH} levels is
 * `invalid` too (it could not be sent on: `JSON.stringify` would overflow the stack), and so is a
 * {@link TooDeepBody} (one the decoder refused to parse for its depth). Anything else is
 * `invalid` with a short `problem`.
 */
export function classifyDapMessage(value: unknown): ClassifiedDapMessage {
  if (value instanceof TooDeepBody) {
    return { kind: 'invalid', problem: `message nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', problem: 'message is not a JSON object' };
  }
  if (isTooDeep(value)) {
    return { kind: 'invalid', problem: `message nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  const record = value as Record<string, unknown>;
  if (!isSeq(record.seq)) {
    return { kind: 'invalid', problem: 'message has no valid "seq" (a non-negative integer)' };
  }
  switch (record.type) {
    case 'request':
      if (!isNonEmptyString(record.command)) {
        return { kind: 'invalid', problem: 'request has no "command" string' };
      }
      return { kind: 'request', message: value as DebugProtocol.Request };
    case 'response':
      if (!isSeq(record.request_seq)) {
        return { kind: 'invalid', problem: 'response has no valid "request_seq"' };
      }
      if (typeof record.success !== 'boolean') {
        return { kind: 'invalid', problem: 'response has no boolean "success"' };
      }
      if (typeof record.command !== 'string') {
        return { kind: 'invalid', problem: 'response has no "command" string' };
      }
      return { kind: 'response', message: value as DebugProtocol.Response };
    case 'event':
      if (!isNonEmptyString(record.event)) {
        return { kind: 'invalid', problem: 'event has no "event" name' };
      }
      return { kind: 'event', message: value as DebugProtocol.Event };
    default:
      return {
        kind: 'invalid',
        problem: `message "type" is ${JSON.stringify(record.type) ?? 'missing'}, not request, response or event`,
      };
  }
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
