/**
 * Validation of every message a client sends to the relay (see
 * `src-common/protocol/client-protocol.ts`). A message that fails here is answered with an error
 * and changes nothing. DAP requests are checked for the envelope the DAP specification requires
 * (`dap/dap-request-schema.ts`); their arguments are the tracer's to judge.
 */
import { z } from 'zod';
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../../../src-common/json-limits.js';
import { dapRequestSchema } from '../../dap/dap-request-schema.js';
import { launchJsonOptionsSchema } from '../../profiles/profile-schema.js';
import type { AppMethod, ClientMessage } from '../../../src-common/protocol/client-protocol.js';
import { containerTargetParamsSchema } from '../../profiles/profile-schema.js';
import { MAX_CLIENT_MESSAGE_CHARS } from './client-message-size.js';

const sessionId = z.string().min(1).max(64);
const nonEmpty = z.string().min(1).max(4096);

/** A host name or address as ssh(1) takes it (no spaces, no shell characters). */
const hostName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._:[\]-]+$/, 'must be a host name or address');

const sourceBreakpoint = z.object({
  line: z.number().int().positive(),
  column: z.number().int().positive().optional(),
  condition: z.string().max(10_000).optional(),
  hitCondition: z.string().max(1000).optional(),
  logMessage: z.string().max(10_000).optional(),
});

const empty = z.object({}).strict();
/** A row or column position, or an index along an axis. */
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A terminal's size in character cells (`session.resize`, `session.launch`'s `terminalSize`). */
const terminalSize = z
  .object({ cols: z.number().int().min(1).max(9999), rows: z.number().int().min(1).max(9999) })
  .strict();
/** Where the data viewer's value is (`src-common/protocol/data-view.ts`). */
const dataTarget = {
  sessionId,
  frameId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  expression: z.string().min(1).max(10_000),
  lead: z.array(count).max(32).optional(),
};

/** What `session.launch` and `session.attach` both carry: justMyCode and the breakpoints to set first. */
const debugSettings = {
  justMyCode: z.boolean().optional(),
  breakpoints: z
    .array(z.object({ path: nonEmpty, breakpoints: z.array(sourceBreakpoint).max(10_000) }))
    .max(10_000),
  exceptionFilters: z.array(z.string().min(1).max(200)).max(100).optional(),
  functionBreakpoints: z
    .array(
      z.object({
        name: nonEmpty,
        condition: z.string().max(10_000).optional(),
        hitCondition: z.string().max(1000).optional(),
      }),
    )
    .max(10_000)
    .optional(),
};

/** zod schemas of each app method's params; keys must cover every `AppMethod`. */
const appParams = {
  'profiles.list': empty,
  // The profile itself is validated by the profile store's schema, which knows every field.
  'profiles.save': z.object({ profile: z.record(z.string(), z.unknown()) }).strict(),
  'profiles.delete': z.object({ id: nonEmpty }).strict(),
  // Each expression is checked by the profile store's schema (length, count, blank).
  'profiles.setWatches': z
    .object({ id: nonEmpty, watchExpressions: z.array(z.string()).max(10_000) })
    .strict(),
  'session.launch': z
    .object({
      profileId: nonEmpty,
      target: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('file'), path: nonEmpty }).strict(),
        z
          .object({
            kind: z.literal('module'),
            module: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'not a Python module name'),
          })
          .strict(),
      ]),
      args: z.array(z.string().max(100_000)).max(1000),
      cwd: z.string().max(4096),
      container: containerTargetParamsSchema.optional(),
      terminalSize: terminalSize.optional(),
      ...debugSettings,
    })
    .strict(),
  'sessions.list': empty,
  'sessions.removeEnded': z
    .object({ sessionIds: z.array(sessionId).max(10_000).optional() })
    .strict(),
  'session.join': z.object({ sessionId }).strict(),
  'session.close': z.object({ sessionId }).strict(),
  'data.page': z
    .object({
      ...dataTarget,
      row: count,
      rows: z.number().int().min(0).max(500),
      col: count,
      cols: z.number().int().min(0).max(200),
      maxChars: z.number().int().min(1).max(2000).optional(),
    })
    .strict(),
  'data.heatmap': z.object({ ...dataTarget, maxSide: z.number().int().min(1).max(512) }).strict(),
  'source.read': z
    .object({ path: nonEmpty, sessionId: sessionId.optional(), profileId: nonEmpty.optional() })
    .strict(),
  'files.index': z.object({ profileId: nonEmpty, root: z.string().max(4096) }).strict(),
  'files.list': z.object({ profileId: nonEmpty, path: z.string().max(4096) }).strict(),
  'snapshots.list': empty,
  'snapshots.fetch': z.object({ profileId: nonEmpty }).strict(),
  'snapshots.open': z.object({ snapshotId: nonEmpty }).strict(),
  // The bytes of a snapshot file, base64: the message cap (16 MiB) bounds them.
  'snapshots.openFile': z
    .object({ name: z.string().max(1000), data: z.string().min(1).max(MAX_CLIENT_MESSAGE_CHARS) })
    .strict(),
  'snapshots.remove': z.object({ snapshotId: nonEmpty }).strict(),
  'snapshots.install': z.object({ profileId: nonEmpty }).strict(),
  'hostKey.answer': z.object({ promptId: nonEmpty, accept: z.boolean() }).strict(),
  'secret.answer': z
    .object({
      promptId: nonEmpty,
      answers: z.array(z.string().max(10_000)).max(32).nullable(),
      remember: z.boolean().optional(),
    })
    .strict(),
  'session.detach': z.object({ sessionId }).strict(),
  'session.stdin': z
    .object({ sessionId, text: z.string().max(1024 * 1024), eof: z.boolean().optional() })
    .strict(),
  'session.resize': z.object({ sessionId, ...terminalSize.shape }).strict(),
  'session.reconnectNow': z.object({ sessionId }).strict(),
  'session.dapEndpoint.open': z.object({ sessionId }).strict(),
  'session.dapEndpoint.close': z.object({ sessionId }).strict(),
  'session.watches.set': z
    .object({ sessionId, expressions: z.array(z.string().max(10_000)).max(1000) })
    .strict(),
  'tracerPort.info': empty,
  'session.preflight': z
    .object({
      profileId: nonEmpty,
      mode: z.enum(['launch', 'attach-pid', 'attach-port']),
      port: z.number().int().min(1).max(65535).optional(),
      pid: z.number().int().positive().max(4_194_304).optional(),
      container: containerTargetParamsSchema.optional(),
    })
    .strict(),
  'processes.list': z
    .object({ profileId: nonEmpty, container: containerTargetParamsSchema.optional() })
    .strict(),
  'containers.list': z
    .object({ profileId: nonEmpty, kind: containerTargetParamsSchema.shape.kind.optional() })
    .strict(),
  'containers.inspect': z
    .object({
      profileId: nonEmpty,
      kind: containerTargetParamsSchema.shape.kind,
      name: containerTargetParamsSchema.shape.name,
    })
    .strict(),
  'session.attach': z
    .object({
      profileId: nonEmpty,
      to: z.discriminatedUnion('kind', [
        z
          .object({
            kind: z.literal('pid'),
            pid: z.number().int().positive().max(4_194_304),
            container: containerTargetParamsSchema.optional(),
          })
          .strict(),
        z
          .object({
            kind: z.literal('port'),
            port: z.number().int().min(1).max(65535),
            container: containerTargetParamsSchema.optional(),
          })
          .strict(),
      ]),
      ...debugSettings,
    })
    .strict(),
  'tracerTunnel.open': z.object({ profileId: nonEmpty }).strict(),
  'tracerTunnel.close': z.object({ profileId: nonEmpty }).strict(),
  'profiles.importSshConfig': z.object({ path: nonEmpty.optional() }).strict(),
  'profiles.importLaunchJson': z.object({ projectPath: nonEmpty }).strict(),
  'profiles.exportLaunchJson': z
    .object({
      projectPath: nonEmpty,
      configuration: z
        .object({
          name: z.string().min(1).max(200),
          connect: z
            .object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535) })
            .strict()
            .optional(),
          pathMappings: z
            .array(z.object({ localRoot: nonEmpty, remoteRoot: nonEmpty }).strict())
            .max(100),
          justMyCode: z.boolean(),
          options: launchJsonOptionsSchema,
        })
        .strict(),
    })
    .strict(),
  'tunnels.list': empty,
  'tunnels.open': z
    .object({
      profileId: nonEmpty,
      direction: z.enum(['local', 'remote']).optional(),
      remoteHost: hostName,
      remotePort: z.number().int().min(0).max(65535),
      localPort: z.number().int().min(0).max(65535).optional(),
      localHost: hostName.optional(),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.direction === 'remote') {
        if (p.localPort === undefined || p.localPort === 0)
          ctx.addIssue({ code: 'custom', path: ['localPort'], message: 'is required for -R' });
      } else {
        if (p.remotePort === 0)
          ctx.addIssue({ code: 'custom', path: ['remotePort'], message: 'must be 1–65535' });
        if (p.localHost !== undefined)
          ctx.addIssue({ code: 'custom', path: ['localHost'], message: 'is only for -R' });
      }
    }),
  'tunnels.close': z.object({ id: nonEmpty }).strict(),
  'logs.open': z
    .object({
      profileId: nonEmpty,
      path: nonEmpty.refine((p) => !p.includes('\0'), 'must not contain NUL'),
      container: containerTargetParamsSchema.optional(),
    })
    .strict(),
  'logs.close': z.object({ logId: nonEmpty }).strict(),
} satisfies Record<AppMethod, z.ZodType>;

const appMethodNames = Object.keys(appParams) as AppMethod[];

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dap'), sessionId, message: dapRequestSchema }).strict(),
  z
    .object({
      type: z.literal('app'),
      id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
      method: z.string(),
      params: z.unknown(),
    })
    .strict(),
]);

/** The outcome of validating one raw client message. */
export type ClientMessageValidation =
  | { ok: true; message: ClientMessage }
  /**
   * `replyTo` says how to answer when the message was well-formed enough to be answered in kind:
   * a DAP request's session, seq and command, or an app request's id.
   */
  | {
      ok: false;
      error: string;
      replyTo?:
        | { type: 'dap'; sessionId: string; seq: number; command: string }
        | { type: 'app'; id: number };
    };

/**
 * Parses and validates a raw client message (a JSON string).
 * Never throws; every failure comes back as `{ ok: false, error }` with a one-line reason.
 */
export function validateClientMessage(raw: string): ClientMessageValidation {
  if (raw.length > MAX_CLIENT_MESSAGE_CHARS) {
    return { ok: false, error: `message of ${raw.length} characters exceeds the 16 MiB limit` };
  }
  // Measured on the text first: parsing 16 Mi characters of `[[[[` would build millions of
  // objects (hundreds of MB) only to refuse them. The text's depth is the parsed value's (see
  // `jsonTextTooDeep`), so what parses below needs no walk before it is re-serialised.
  if (jsonTextTooDeep(raw)) {
    return { ok: false, error: `message nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'message is not valid JSON' };
  }
  // DAP requests are most of the traffic: checked by hand first (`fastDapMessage`), zod only to
  // word the error of one that fails.
  const fast = fastDapMessage(json);
  if (fast) return { ok: true, message: fast };
  const envelope = clientMessage.safeParse(json);
  if (!envelope.success) {
    return { ok: false, error: describe(envelope.error), replyTo: guessReplyTo(json) };
  }
  const message = envelope.data;
  if (message.type === 'dap') return { ok: true, message: message as ClientMessage };
  const replyTo = { type: 'app' as const, id: message.id };
  if (!appMethodNames.includes(message.method as AppMethod)) {
    return { ok: false, error: `unknown method "${message.method.slice(0, 100)}"`, replyTo };
  }
  const method = message.method as AppMethod;
  const params = appParams[method].safeParse(message.params ?? {});
  if (!params.success) {
    return { ok: false, error: `invalid params for ${method}: ${describe(params.error)}`, replyTo };
  }
  return {
    ok: true,
    message: { type: 'app', id: message.id, method, params: params.data } as ClientMessage,
  };
}

/** The DAP command name rule of `dapRequestSchema`. */
const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The `dap` client message `json` is, when it passes exactly what `clientMessage` checks (the
 * envelope strict; the request's `seq`, `type`, `command` and `arguments` as `dapRequestSchema`,
 * its other fields dropped as zod drops them), without zod's copying of every argument: the hot
 * path of the relay (issue 15, relay overhead). Undefined when it does not pass; zod then says why.
 */
function fastDapMessage(json: unknown): ClientMessage | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const envelope = json as Record<string, unknown>;
  if (envelope.type !== 'dap') return undefined;
  for (const key in envelope)
    if (key !== 'type' && key !== 'sessionId' && key !== 'message') return undefined;
  const { sessionId: id, message } = envelope;
  if (typeof id !== 'string' || id.length < 1 || id.length > 64) return undefined;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const request = message as Record<string, unknown>;
  const { seq, command, arguments: args } = request;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq <= 0) return undefined;
  if (request.type !== 'request') return undefined;
  if (typeof command !== 'string' || command.length > 100 || !COMMAND_NAME.test(command))
    return undefined;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)))
    return undefined;
  return {
    type: 'dap',
    sessionId: id,
    message: {
      seq,
      type: 'request',
      command,
      ...(args !== undefined && { arguments: args as Record<string, unknown> }),
    },
  };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid message';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'message';
  return `${where}: ${issue.message}`;
}

/** Finds enough of a rejected message to answer it in kind (DAP error response or app error). */
function guessReplyTo(json: unknown): Extract<ClientMessageValidation, { ok: false }>['replyTo'] {
  if (typeof json !== 'object' || json === null) return undefined;
  const m = json as Record<string, unknown>;
  if (m.type === 'app' && typeof m.id === 'number' && Number.isSafeInteger(m.id) && m.id > 0) {
    return { type: 'app', id: m.id };
  }
  if (
    m.type === 'dap' &&
    typeof m.sessionId === 'string' &&
    typeof m.message === 'object' &&
    m.message
  ) {
    const req = m.message as Record<string, unknown>;
    if (
      typeof req.seq === 'number' &&
      Number.isSafeInteger(req.seq) &&
      typeof req.command === 'string'
    ) {
      return {
        type: 'dap',
        sessionId: m.sessionId.slice(0, 64),
        seq: req.seq,
        command: req.command.slice(0, 100),
      };
    }
  }
  return undefined;
}
