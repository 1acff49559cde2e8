import type { AppEvents } from '../../src-common/protocol/client-protocol.js';
import { connection } from '../backend/connection.svelte.js';
import { errorMessage } from '../../src-common/errors.js';

/** A host-key question from the relay (`hostKey.prompt` app event). */
export type HostKeyPrompt = AppEvents['hostKey.prompt'];

/**
 * Host keys the relay asks the user about (OpenSSH's "authenticity of host … can't be
 * established"), first come first asked; answered with `hostKey.answer`.
 */
class HostKeysStore {
  queue = $state.raw<HostKeyPrompt[]>([]);
  error = $state<string | null>(null);
  current = $derived(this.queue[0] ?? null);

  /** Subscribes to prompts. Call once after the connection started. */
  init(): void {
    connection.client.onAppEvent('hostKey.prompt', (prompt) => {
      this.queue = [...this.queue, prompt];
    });
  }

  /** Sends the user's answer to the current prompt and moves to the next. */
  async answer(accept: boolean): Promise<void> {
    const prompt = this.current;
    if (!prompt) return;
    this.queue = this.queue.slice(1);
    try {
      await connection.client.request('hostKey.answer', { promptId: prompt.promptId, accept });
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}

/** The window's pending host-key prompts. */
export const hostKeys = new HostKeysStore();
