/**
 * Secret questions put to the user (passwords, key passphrases, keyboard-interactive), modelled on
 * `host-key-prompts.ts`: the relay sends the client that started the connection a `secret.prompt`
 * and waits for its `secret.answer`. No answer (client gone, or {@link SECRET_PROMPT_TIMEOUT_MS})
 * counts as cancelled. Answers are handed to the SSH layer and never logged.
 *
 * {@link secretSourceFor} puts a {@link SecretStore} in front: a stored password or passphrase is
 * used without asking; one the user asks to remember is stored (only when the store persists).
 * A password or passphrase just typed is also kept in this process's memory for
 * {@link RECENT_SECRET_MS}, for the same client only, so the connections of one action (the
 * preflight checks, then the launch) ask once; it is dropped when the server rejects it or the
 * client goes. keyboard-interactive answers (often one-time codes) are never kept.
 */
import { randomUUID } from 'node:crypto';
import type { AppEvents } from '../../src-common/protocol/client-protocol.js';
import { secretKey, type SecretKey, type SecretStore } from '../profiles/secret-store.js';
import type { SecretRequest, SecretSource } from '../ssh/connection/ssh-auth.js';
import { SshError, type SshHop } from '../ssh/ssh-error.js';

function sameHop(a: SshHop, b: SshHop): boolean {
  return a.host === b.host && a.port === b.port && a.user === b.user;
}

/** How long the relay waits for the user's answer, in ms (5 minutes). */
export const SECRET_PROMPT_TIMEOUT_MS = 5 * 60_000;

/** How long a typed password or passphrase is reused for the same client, in ms (2 minutes). */
export const RECENT_SECRET_MS = 2 * 60_000;

/** Who can be asked: the client that started the connection. */
export interface SecretAsker {
  sendEvent(event: 'secret.prompt', body: AppEvents['secret.prompt']): void;
}

/** What the user answered. */
export interface SecretAnswer {
  answers: string[];
  remember: boolean;
}

interface Pending {
  asker: SecretAsker;
  resolve: (answer: SecretAnswer | undefined) => void;
  timer: NodeJS.Timeout;
}

/** Pending secret prompts, keyed by prompt id; and the answers just typed (see the module comment). */
export class SecretPrompts {
  private readonly pending = new Map<string, Pending>();
  private readonly recent = new Map<
    SecretAsker,
    Map<SecretKey, { secret: string; until: number }>
  >();

  constructor(private readonly now: () => number = Date.now) {}

  /** A password or passphrase `asker` typed less than {@link RECENT_SECRET_MS} ago, if any. */
  recall(asker: SecretAsker, key: SecretKey): string | undefined {
    const entry = this.recent.get(asker)?.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.secret;
    this.forget(asker, key);
    return undefined;
  }

  /**
   * Keeps what `asker` typed for `key` for {@link RECENT_SECRET_MS}; a timer drops it then even
   * if nobody asks again (an app window stays connected for hours).
   */
  keep(asker: SecretAsker, key: SecretKey, secret: string): void {
    let byKey = this.recent.get(asker);
    if (!byKey) {
      byKey = new Map<SecretKey, { secret: string; until: number }>();
      this.recent.set(asker, byKey);
    }
    const entry = { secret, until: this.now() + RECENT_SECRET_MS };
    byKey.set(key, entry);
    setTimeout(() => {
      if (this.recent.get(asker)?.get(key) === entry) this.forget(asker, key);
    }, RECENT_SECRET_MS).unref();
  }

  /** How many answers are kept now, over all clients (for tests). */
  get keptCount(): number {
    let count = 0;
    for (const byKey of this.recent.values()) count += byKey.size;
    return count;
  }

  /** Drops a kept answer (the server rejected it). */
  forget(asker: SecretAsker, key: SecretKey): void {
    const byKey = this.recent.get(asker);
    byKey?.delete(key);
    if (byKey?.size === 0) this.recent.delete(asker);
  }

  /** Asks `asker`; resolves with the answer, or `undefined` on cancel, timeout or disconnect. */
  ask(
    asker: SecretAsker,
    question: Omit<AppEvents['secret.prompt'], 'promptId'>,
  ): Promise<SecretAnswer | undefined> {
    const promptId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(promptId, undefined), SECRET_PROMPT_TIMEOUT_MS);
      this.pending.set(promptId, { asker, resolve, timer });
      asker.sendEvent('secret.prompt', { promptId, ...question });
    });
  }

  /**
   * Records an answer (`answers: null` = cancelled). Only the asked client may answer.
   * @returns false when there is no such open prompt for this client.
   */
  answer(
    asker: SecretAsker,
    promptId: string,
    answers: string[] | null,
    remember = false,
  ): boolean {
    const pending = this.pending.get(promptId);
    if (!pending || pending.asker !== asker) return false;
    this.settle(promptId, answers === null ? undefined : { answers, remember });
    return true;
  }

  /** Cancels every prompt of a client that went away, and forgets what it typed. */
  dropAsker(asker: SecretAsker): void {
    this.recent.delete(asker);
    for (const [id, pending] of this.pending)
      if (pending.asker === asker) this.settle(id, undefined);
  }

  private settle(promptId: string, answer: SecretAnswer | undefined): void {
    const pending = this.pending.get(promptId);
    if (!pending) return;
    this.pending.delete(promptId);
    clearTimeout(pending.timer);
    pending.resolve(answer);
  }
}

/** A {@link SecretSource} for one connection, plus what to do when the server rejected it. */
export interface BrokeredSecrets {
  source: SecretSource;
  /**
   * Forgets stored and recently typed secrets this connection used (call when authentication
   * failed with `error`): only those of the server that refused (`SshError.hop`), all when that
   * is not known, none when the user cancelled a question (nothing was refused).
   */
  forgetUsed(error?: unknown): Promise<void>;
}

/**
 * Secrets for one connection: from `store` when it has them, else asked of `asker`.
 * keyboard-interactive answers are always asked (servers use them for one-time codes).
 */
export function secretSourceFor(
  store: SecretStore,
  prompts: SecretPrompts,
  asker: SecretAsker,
): BrokeredSecrets {
  /** The keys used, with the server each was for. */
  const used = new Map<SecretKey, SshHop>();
  const keyOf = (request: SecretRequest): SecretKey | undefined =>
    request.kind === 'password' || request.kind === 'sudo'
      ? secretKey({
          kind: request.kind,
          user: request.user,
          host: request.host,
          port: request.port,
        })
      : request.kind === 'passphrase' && request.keyPath !== undefined
        ? secretKey({ kind: 'passphrase', keyPath: request.keyPath })
        : undefined;

  const source: SecretSource = async (request) => {
    const key = keyOf(request);
    if (key !== undefined && request.retry === true) {
      // Refused (a wrong sudo password): never offered again, neither kept nor stored.
      prompts.forget(asker, key);
      await store.delete(key);
      used.delete(key);
    } else if (key !== undefined) {
      const stored = (await store.get(key)) ?? prompts.recall(asker, key);
      if (stored !== undefined) {
        used.set(key, request);
        return [stored];
      }
    }
    const answer = await prompts.ask(asker, {
      kind: request.kind,
      host: request.host,
      port: request.port,
      user: request.user,
      ...(request.keyPath !== undefined ? { keyPath: request.keyPath } : {}),
      ...(request.jumpHost !== undefined ? { jumpHost: request.jumpHost } : {}),
      name: request.name,
      instructions: request.instructions,
      prompts: request.prompts,
      canRemember: key !== undefined && store.persistent,
    });
    if (answer === undefined) return undefined;
    if (key !== undefined && answer.answers[0] !== undefined) {
      prompts.keep(asker, key, answer.answers[0]);
      used.set(key, request);
    }
    if (
      key !== undefined &&
      answer.remember &&
      store.persistent &&
      answer.answers[0] !== undefined
    ) {
      await store.set(key, answer.answers[0]);
      used.set(key, request);
    }
    return answer.answers;
  };
  return {
    source,
    forgetUsed: async (error?: unknown) => {
      const failure = error instanceof SshError ? error : undefined;
      if (failure?.cancelled) return;
      const refused = failure?.hop;
      for (const [key, hop] of used) {
        if (refused && !sameHop(refused, hop)) continue;
        prompts.forget(asker, key);
        await store.delete(key);
        used.delete(key);
      }
    },
  };
}
