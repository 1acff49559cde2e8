/**
 * Host-key questions put to the user: when an SSH server presents a key that is in no known_hosts
 * file, the relay asks the client that started the connection (app event `hostKey.prompt`) and
 * waits for its `hostKey.answer`. When the host is known by keys of other types, the question
 * carries them (`otherKnownKeys`) so the client can warn as ssh(1) does. No answer (client gone, or {@link HOST_KEY_PROMPT_TIMEOUT_MS}
 * elapsed) counts as "no": an unverified key is never trusted by default.
 */
import { randomUUID } from 'node:crypto';
import type { AppEvents } from '../../src-common/protocol/client-protocol.js';

/** How long the relay waits for the user's answer, in ms (5 minutes). */
export const HOST_KEY_PROMPT_TIMEOUT_MS = 5 * 60_000;

/** The question as asked (the prompt event's body without its id). */
export type HostKeyQuestion = Omit<AppEvents['hostKey.prompt'], 'promptId'>;

/** Who can be asked: the client handle that started the connection. */
export interface HostKeyAsker {
  sendHostKeyPrompt(body: AppEvents['hostKey.prompt']): void;
}

interface Pending {
  asker: HostKeyAsker;
  resolve: (accept: boolean) => void;
  timer: NodeJS.Timeout;
}

/** Pending host-key prompts, keyed by prompt id. */
export class HostKeyPrompts {
  private readonly pending = new Map<string, Pending>();

  /** Asks `asker`; resolves with the user's answer, or `false` on timeout or disconnect. */
  ask(asker: HostKeyAsker, question: HostKeyQuestion): Promise<boolean> {
    const promptId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(promptId, false), HOST_KEY_PROMPT_TIMEOUT_MS);
      this.pending.set(promptId, { asker, resolve, timer });
      asker.sendHostKeyPrompt({ promptId, ...question });
    });
  }

  /**
   * Records an answer. Only the client that was asked may answer its prompt.
   * @returns false when there is no such prompt for this client (unknown, answered, or expired).
   */
  answer(asker: HostKeyAsker, promptId: string, accept: boolean): boolean {
    const pending = this.pending.get(promptId);
    if (!pending || pending.asker !== asker) return false;
    this.settle(promptId, accept);
    return true;
  }

  /** Answers "no" to every prompt of a client that went away. */
  dropAsker(asker: HostKeyAsker): void {
    for (const [id, pending] of this.pending) if (pending.asker === asker) this.settle(id, false);
  }

  private settle(promptId: string, accept: boolean): void {
    const pending = this.pending.get(promptId);
    if (!pending) return;
    this.pending.delete(promptId);
    clearTimeout(pending.timer);
    pending.resolve(accept);
  }
}
