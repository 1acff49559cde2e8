/**
 * Known hostile inputs, sent once at the start of every run whatever the seed: the ones behind
 * issue 17's three crashes and what this fuzzer found since, each in the situation that made it
 * harmful (a joined client, a tracer that then leaves, a DAP client's `initialize`). Random
 * generation reaches them too, but rarely (a `{"toString":null}` exit code is about one tracer
 * input in 10,000); here they are certain.
 */
import { FuzzRandom } from '../fuzz-random.js';
import { FuzzTracer } from '../fuzz-tracer.js';
import { FuzzDapClient } from '../fuzz-dap-client.js';
import { RawWsClient } from '../raw-ws-client.js';
import { deepAtSizeLimit } from '../hostile-json.js';
import { frame } from '../dap-wire.js';
import { HOSTILE_FRAMES } from '../ws-frames.js';
import type { FuzzContext, TargetStats } from './target-types.js';
import type { SentInput } from '../fuzz-peer.js';

/** `{"a":…}` nested `depth` levels. */
const deep = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** One known case at the tracer port: its messages, and what follows them. */
interface TracerCase {
  name: string;
  messages: string[];
  /** The tracer's `initialize` answer's body, as JSON text. */
  initializeBody?: string;
  then?: 'leave' | 'configurationDone' | 'dap-endpoint-initialize';
}

const TRACER_CASES: TracerCase[] = [
  {
    name: 'crash 1: an exitCode no template string can print, then the tracer leaves',
    messages: [
      '{"seq":1,"type":"event","event":"exited","body":{"exitCode":{"toString":null,"valueOf":null}}}',
    ],
    then: 'leave',
  },
  {
    name: 'crash 3: a deep output event with a client joined',
    messages: [
      `{"seq":1,"type":"event","event":"output","body":{"category":"stdout","output":"x","data":${deep(100_000)}}}`,
      '{"seq":2,"type":"event","event":"output","body":{"category":"stdout","output":"after\\n"}}',
    ],
  },
  {
    name: 'crash 3: a deep stopped body, then a client configurationDone',
    messages: [
      `{"seq":1,"type":"event","event":"stopped","body":{"reason":"pause","threadId":1,"x":${deep(100_000)}}}`,
    ],
    then: 'configurationDone',
  },
  {
    name: 'crash 3: deep capabilities, then a DAP client initializes at the endpoint',
    messages: [],
    initializeBody: `{"supportsConfigurationDoneRequest":true,"x":${deep(100_000)}}`,
    then: 'dap-endpoint-initialize',
  },
  {
    name: 'issue 17 item 5: output that is a number, an object, an array',
    messages: [
      '{"seq":1,"type":"event","event":"output","body":{"category":"stdout","output":12345}}',
      '{"seq":2,"type":"event","event":"output","body":{"category":"stdout","output":{"toString":null}}}',
      '{"seq":3,"type":"event","event":"output","body":{"category":"stderr","output":["x"]}}',
      '{"seq":4,"type":"event","event":"output","body":{"category":"stdout","output":"after\\n"}}',
    ],
  },
  {
    name: 'found by fuzzing: an output event nested as deep as 16 MiB allows',
    messages: [
      deepAtSizeLimit(
        '{"seq":1,"type":"event","event":"output","body":{"output":"x","data":',
        '}}',
        16 * 1024 * 1024,
      ),
    ],
  },
];

/** A pid no real process has, per case. */
let nextPid = 4_200_000;

/** Sends every known input; returns what was sent (inputs are numbered from `first`). */
export async function sendKnownInputs(
  context: FuzzContext,
  remember: (input: SentInput) => void,
): Promise<TargetStats> {
  const stats: TargetStats = { inputs: 0, connections: 0, dropped: 0 };
  const rng = FuzzRandom.derive(context.seed, 'known');
  for (const c of TRACER_CASES) {
    const pid = nextPid++;
    const tracer = await FuzzTracer.dial(context.relay.tracerPort, rng, {
      pHostileHandshake: 0,
      pBrokenFrame: 0,
      pid,
      ...(c.initializeBody !== undefined ? { initializeBody: c.initializeBody } : {}),
    });
    stats.connections++;
    const session = await context.observer.joinedByPid(pid);
    tracer.sendRaw(stats.inputs, c.messages);
    for (const text of c.messages)
      remember({ index: stats.inputs++, mutation: c.name, text: text.slice(0, 300) });
    if (c.initializeBody !== undefined) {
      remember({ index: stats.inputs++, mutation: c.name, text: c.initializeBody.slice(0, 300) });
    }
    await new Promise((r) => setTimeout(r, 100));
    if (c.then === 'configurationDone') {
      context.observer.send(
        JSON.stringify({
          type: 'dap',
          sessionId: session.id,
          message: { seq: 1, type: 'request', command: 'configurationDone', arguments: {} },
        }),
      );
    } else if (c.then === 'dap-endpoint-initialize') {
      const reply = await context.observer.app('session.dapEndpoint.open', {
        sessionId: session.id,
      });
      const port = (reply.result as { endpoint?: { port?: number } } | undefined)?.endpoint?.port;
      if (typeof port === 'number') {
        const client = await FuzzDapClient.dial(port, rng, 0);
        client.socket.write(
          frame(
            Buffer.from(
              '{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"x"}}',
            ),
          ),
        );
        await new Promise((r) => setTimeout(r, 200));
        await client.end();
      }
    }
    await new Promise((r) => setTimeout(r, 100));
    await tracer.end();
  }
  for (const [name, , make] of HOSTILE_FRAMES) {
    const client = await RawWsClient.open(context.relay.clientPort, context.relay.token);
    stats.connections++;
    remember({ index: stats.inputs++, mutation: `WebSocket: ${name}`, text: '(raw frames)' });
    client.write(make(rng));
    await new Promise((r) => setTimeout(r, 20));
    await client.end();
  }
  return stats;
}
