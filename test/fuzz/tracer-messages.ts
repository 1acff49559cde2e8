/**
 * Whole DAP messages a hostile tracer sends, as JSON text: events the relay reads, answers to its
 * requests (right or wrong `request_seq`, `success`, `command`, body), unsolicited responses,
 * reverse requests (`runInTerminal`, `startDebugging`, unknown ones), and envelopes broken in
 * every field (`seq`, `type`, `event`, `command`).
 */
import type { FuzzRandom } from './fuzz-random.js';
import { deepAtSizeLimit, hostileValue } from './hostile-json.js';
import { hostileObject } from './hostile-object.js';
import { EVENT_BODIES, eventBody, responseBody, reverseRequestArguments } from './dap-bodies.js';

const EVENTS = Object.keys(EVENT_BODIES);
const REVERSE_REQUESTS = ['startDebugging', 'runInTerminal', 'debugpyAttach', 'launch', 'x'];

/** Gives each message of one connection its `seq`. */
export class SeqCounter {
  private value = 1;
  /** The next seq, or now and then a hostile one. */
  next(rng: FuzzRandom): string {
    return rng.chance(0.03) ? hostileValue(rng) : String(this.value++);
  }
}

/** An event with a (mutated) body of its kind, or of an unknown kind. */
export function tracerEvent(rng: FuzzRandom, seq: SeqCounter): string {
  const event = rng.chance(0.95) ? rng.pick(EVENTS) : rng.pick(['', 'x', '__proto__', 'stopped ']);
  const body = eventBody(rng, event);
  return hostileObject(
    rng,
    [
      ['seq', () => seq.next(rng)],
      ['type', '"event"'],
      ['event', JSON.stringify(event)],
      ...(body !== undefined || rng.chance(0.3)
        ? [['body', () => body ?? hostileValue(rng)] as const]
        : []),
    ],
    { pHostile: 0.04, pMissing: 0.02 },
  );
}

/**
 * An answer to request `requestSeq` (`command`), usually right in its envelope, with a body that
 * may be wrong anywhere; or a failure response.
 */
export function tracerResponse(
  rng: FuzzRandom,
  seq: SeqCounter,
  requestSeq: number,
  command: string,
): string {
  const success = rng.chance(0.85);
  return hostileObject(
    rng,
    [
      ['seq', () => seq.next(rng)],
      ['type', '"response"'],
      ['request_seq', String(requestSeq)],
      ['success', success ? 'true' : 'false'],
      ['command', JSON.stringify(command)],
      success
        ? ['body', () => responseBody(rng, command)]
        : ['message', () => (rng.chance(0.5) ? '"failed"' : hostileValue(rng))],
    ],
    { pHostile: 0.04, pMissing: 0.02 },
  );
}

/** A response nobody asked for: a request_seq the relay never sent or already had answered. */
export function unsolicitedResponse(rng: FuzzRandom, seq: SeqCounter): string {
  const command = rng.pick(['initialize', 'threads', 'stackTrace', 'variables', 'x']);
  return tracerResponse(rng, seq, rng.pick([0, 1, 2, 3, 10_000, 2 ** 31]), command);
}

/** A reverse request (tracer → relay). */
export function reverseRequest(rng: FuzzRandom, seq: SeqCounter): string {
  const command = rng.pick(REVERSE_REQUESTS);
  return hostileObject(
    rng,
    [
      ['seq', () => seq.next(rng)],
      ['type', '"request"'],
      ['command', JSON.stringify(command)],
      ['arguments', () => reverseRequestArguments(rng, command)],
    ],
    { pHostile: 0.05, pMissing: 0.02 },
  );
}

/** A message whose envelope is wrong: no type, an unknown type, or a non-object in its place. */
export function brokenEnvelope(rng: FuzzRandom, seq: SeqCounter): string {
  return hostileObject(
    rng,
    [
      ['seq', () => seq.next(rng)],
      ['type', () => rng.pick(['"Event"', '"reverse"', '""', hostileValue(rng)])],
      ['event', () => hostileValue(rng)],
      ['command', () => hostileValue(rng)],
      ['request_seq', () => hostileValue(rng)],
      ['success', () => hostileValue(rng)],
    ],
    { pHostile: 0.3, pMissing: 0.3 },
  );
}

/** Any unprompted message of a hostile tracer, in proportions that favour what the relay reads. */
export function unpromptedTracerMessage(rng: FuzzRandom, seq: SeqCounter): string {
  return rng.weighted([
    [70, () => tracerEvent(rng, seq)],
    [10, () => unsolicitedResponse(rng, seq)],
    [12, () => reverseRequest(rng, seq)],
    [8, () => brokenEnvelope(rng, seq)],
    [0.03, () => deepOutputAtLimit(seq.next(rng))],
  ] as const)();
}

/** Largest DAP body (16 MiB). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** An `output` event nested as deep as the body limit allows (issue 17: ~500 MB once parsed). */
function deepOutputAtLimit(seq: string): string {
  return deepAtSizeLimit(
    `{"seq":${seq},"type":"event","event":"output","body":{"category":"stdout","output":"x","data":`,
    '}}',
    MAX_BODY_BYTES,
  );
}
