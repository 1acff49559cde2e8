import type { AppEvents } from '../../src-common/protocol/client-protocol.js';
import { connection } from '../backend/connection.svelte.js';
import { errorMessage } from '../../src-common/errors.js';

/** A secret question from the relay (`secret.prompt` app event): password, passphrase, or the server's keyboard-interactive questions. */
export type SecretPrompt = AppEvents['secret.prompt'];

/**
 * Passwords, key passphrases and keyboard-interactive questions the relay asks (after the host
 * key was accepted), first come first asked; answered with `secret.answer`. Answers are sent and
 * forgotten: nothing here keeps them.
 */
class SecretsStore {
  queue = $state.raw<SecretPrompt[]>([]);
  error = $state<string | null>(null);
  current = $derived(this.queue[0] ?? null);

  /** Subscribes to prompts. Call once after the connection started. */
  init(): void {
    connection.client.onAppEvent('secret.prompt', (prompt) => {
      this.queue = [...this.queue, prompt];
    });
  }

  /** Sends the answers (`null` = cancelled) to the current prompt and moves to the next. */
  async answer(answers: string[] | null, remember = false): Promise<void> {
    const prompt = this.current;
    if (!prompt) return;
    this.queue = this.queue.slice(1);
    try {
      await connection.client.request('secret.answer', {
        promptId: prompt.promptId,
        answers,
        remember,
      });
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}

/** The window's pending secret prompts. */
export const secrets = new SecretsStore();
