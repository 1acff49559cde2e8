/**
 * Hostile messages of the client protocol (WebSocket text frames, `client-message-validation.ts`):
 * `app` requests with wrong method names and params of wrong types, `dap` envelopes around hostile
 * DAP requests, messages that are not JSON objects, deep, or over the 16 MiB limit.
 *
 * Methods that reach outside the relay (SSH, launching, files, profiles) only ever get params that
 * must fail validation (an unknown key: every params schema is strict), so a run never starts a
 * program, opens an SSH link or writes a file. Session-scoped methods name fuzz sessions only.
 */
import type { FuzzRandom } from './fuzz-random.js';
import { deepAtSizeLimit, deepValue, hostileValue } from './hostile-json.js';
import { hostileObject, type FieldSpec } from './hostile-object.js';
import { clientRequest } from './client-requests.js';

/** Sessions a message may name, and the ones it must never name (the liveness probe's). */
export interface SessionIds {
  live: readonly string[];
  isProtected: (id: string) => boolean;
}

const str =
  (...values: string[]) =>
  (rng: FuzzRandom) =>
    JSON.stringify(rng.pick(values));
const bool = (rng: FuzzRandom) => rng.pick(['true', 'false']);

/** Methods that stay inside the relay, with their params' fields (`sid` = a session id). */
const SAFE: Record<string, readonly (string | FieldSpec)[]> = {
  'sessions.list': [],
  'profiles.list': [],
  'tunnels.list': [],
  'tracerPort.info': [],
  'session.join': ['sid'],
  'session.dapEndpoint.open': ['sid'],
  'session.dapEndpoint.close': ['sid'],
  'session.watches.set': [
    'sid',
    ['expressions', (r) => `[${r.pick(['"x"', '"1+1"', hostileValue(r)])}]`],
  ],
  'source.read': [['path', str('/nonexistent/x.py', '/etc/hostname', '')], 'sid'],
  'hostKey.answer': [
    ['promptId', str('p1', 'x')],
    ['accept', bool],
  ],
  'secret.answer': [
    ['promptId', str('p1')],
    ['answers', str('["x"]', 'null')],
    ['remember', bool],
  ],
  'session.close': ['sid'],
  'session.detach': ['sid'],
};

/** Methods with effects outside the relay: always sent with params that cannot validate. */
const OUTSIDE = [
  'profiles.save',
  'profiles.delete',
  'profiles.setWatches',
  'session.launch',
  'session.attach',
  'session.preflight',
  'session.reconnectNow',
  'processes.list',
  'tracerTunnel.open',
  'tracerTunnel.close',
  'profiles.importSshConfig',
  'profiles.importLaunchJson',
  'profiles.exportLaunchJson',
  'tunnels.open',
  'tunnels.close',
  'logs.open',
  'logs.close',
];

/** A session id: a live fuzz session's, or a wrong one; never a protected one. */
function sessionId(rng: FuzzRandom, ids: SessionIds): string {
  const id =
    ids.live.length > 0 && rng.chance(0.8)
      ? JSON.stringify(rng.pick(ids.live))
      : rng.pick([
          '""',
          '"x"',
          '"s0"',
          '"s99999"',
          JSON.stringify('s'.repeat(65)),
          hostileValue(rng),
        ]);
  return ids.isProtected(safeParse(id)) ? '"x"' : id;
}

function safeParse(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

/** An `app` request (a known safe method, an outside one with invalid params, or a wrong name). */
function appRequest(rng: FuzzRandom, id: number, ids: SessionIds): string {
  const kind = rng.weighted([
    [70, 'safe'],
    [20, 'outside'],
    [10, 'unknown'],
  ] as const);
  let method: string;
  let params: string;
  if (kind === 'safe') {
    method = rng.pick(Object.keys(SAFE));
    const fields = (SAFE[method] ?? []).map((f): FieldSpec =>
      f === 'sid' ? ['sessionId', (r) => sessionId(r, ids)] : (f as FieldSpec),
    );
    params = rng.chance(0.05) ? hostileValue(rng) : hostileObject(rng, fields, { pHostile: 0.15 });
    if (!isSafeParams(method, params, ids)) params = '{"sessionId":"x"}';
  } else if (kind === 'outside') {
    method = rng.pick(OUTSIDE);
    const inner = hostileObject(rng, [
      ['profileId', str('p1', '')],
      ['id', str('x')],
      ['path', str('/tmp')],
    ]);
    params = `${inner.slice(0, -1)}${inner.length > 2 ? ',' : ''}"\\u0000never-valid":1}`;
  } else {
    method = rng.pick([
      '',
      'sessions.List',
      'session.join ',
      '__proto__',
      'constructor',
      'toString',
      'app',
      'a'.repeat(10_000),
    ]);
    params = hostileValue(rng);
  }
  return hostileObject(
    rng,
    [
      ['type', '"app"'],
      ['id', String(id)],
      ['method', JSON.stringify(method)],
      ['params', params],
    ],
    { pHostile: 0.05, pMissing: 0.03 },
  );
}

/** Session-scoped params must not end up naming a protected session through a mutation. */
function isSafeParams(method: string, params: string, ids: SessionIds): boolean {
  if (!(SAFE[method] ?? []).includes('sid')) return true;
  try {
    const value = JSON.parse(params) as { sessionId?: unknown } | null;
    return !(typeof value?.sessionId === 'string' && ids.isProtected(value.sessionId));
  } catch {
    return true;
  }
}

/** A `dap` message: a hostile request to a fuzz session. */
function dapMessage(rng: FuzzRandom, seq: number, ids: SessionIds): string {
  return hostileObject(
    rng,
    [
      ['type', '"dap"'],
      ['sessionId', () => sessionId(rng, ids)],
      ['message', () => clientRequest(rng, seq)],
    ],
    { pHostile: 0.03, pMissing: 0.02 },
  );
}

/** Largest client message the relay takes (16 Mi characters): one over it is refused. */
const LIMIT = 16 * 1024 * 1024;

/**
 * Whether to send a message nested as deep as the 16 Mi-character limit allows. Off until the
 * client-message validation refuses depth before `JSON.parse` (found by fuzzing, reported in
 * issue 17; `test/integration/relay/fuzz-findings.test.ts` reproduces it): each such message
 * makes the relay allocate ~500 MB and block ~3 s. `FUZZ_KNOWN_BUGS=1` turns it on.
 */
const DEEP_AT_LIMIT = process.env.FUZZ_KNOWN_BUGS === '1';

/** One hostile client message (text); `n` numbers it (app id, DAP seq). */
export function clientMessage(rng: FuzzRandom, n: number, ids: SessionIds): string {
  return rng.weighted([
    [50, () => appRequest(rng, n, ids)],
    [40, () => dapMessage(rng, n, ids)],
    [3, () => hostileValue(rng)],
    [2, () => appRequest(rng, n, ids).slice(0, -1 - rng.int(5))],
    [
      2,
      () =>
        `{"type":"app","id":${n},"method":"sessions.list","params":${deepValue(rng, rng.pick([65, 1000, 100_000]))}}`,
    ],
    [1, () => rng.pick(['', ' ', 'null', '[]', '{}', '{"type":"app"}', '{"type":"dap"}'])],
    [
      0.05,
      () =>
        `{"type":"app","id":${n},"method":"sessions.list","params":{"x":"${'x'.repeat(LIMIT - rng.int(3))}"}}`,
    ],
    [
      DEEP_AT_LIMIT ? 0.05 : 0,
      () =>
        deepAtSizeLimit(`{"type":"app","id":${n},"method":"sessions.list","params":`, '}', LIMIT),
    ],
  ] as const)();
}
