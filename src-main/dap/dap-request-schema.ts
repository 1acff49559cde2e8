/**
 * The envelope the DAP specification requires of a request a client sends ("Base Protocol":
 * a positive `seq`, `type: "request"`, a `command` name, an optional `arguments` object), as a
 * zod schema. Arguments are the tracer's to judge. Used for client messages
 * (`backend/clients/client-message-validation.ts`) and for plain DAP clients of a session's DAP
 * endpoint.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { z } from 'zod';

/** The request envelope. */
export const dapRequestSchema = z.object({
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  type: z.literal('request'),
  command: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'command must be a DAP command name'),
  arguments: z.record(z.string(), z.unknown()).optional(),
});

/** A checked request, or the first problem found (`<field>: <what is wrong>`). */
export type DapRequestValidation =
  { ok: true; request: DebugProtocol.Request } | { ok: false; error: string };

/** Checks that `value` is a DAP request envelope. Never throws. */
export function validateDapRequest(value: unknown): DapRequestValidation {
  const parsed = dapRequestSchema.safeParse(value);
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'request';
  return { ok: false, error: `${where}: ${issue?.message ?? 'invalid request'}` };
}
