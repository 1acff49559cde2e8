/**
 * Running a debugged process tree on: continues every child session of `rootId` that is
 * stopped, again and again, until the root's output contains `text` (a worker may stop at a
 * breakpoint before a change of breakpoints reaches it).
 */
import { expect } from 'vitest';
import type { Backend } from '../../src-main/backend/backend.js';
import type { RelayTestClient } from './relay-test-client.js';

/** See the module comment. Rejects (expect.poll) when `text` does not come in `timeoutMs`. */
export async function continueChildrenUntil(
  relay: Pick<Backend, 'listSessions'>,
  client: RelayTestClient,
  rootId: string,
  text: string,
  timeoutMs = 30_000,
): Promise<void> {
  let seq = 10_000;
  await expect
    .poll(
      async () => {
        for (const s of relay.listSessions())
          if (s.parentId === rootId && s.state === 'stopped')
            await client.dap(s.id, seq++, 'continue', { threadId: 0 });
        return client.output(rootId);
      },
      { timeout: timeoutMs, interval: 300 },
    )
    .toContain(text);
}
