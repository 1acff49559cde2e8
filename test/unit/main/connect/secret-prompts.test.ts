/**
 * Secrets asked of a client: a password typed once serves the connections of one action (the
 * preflight, then the launch) for the same client for two minutes — never another client, never
 * after the server refused it, never keyboard-interactive answers — and nothing is written to a
 * store that does not persist.
 */
import { describe, expect, it, vi } from 'vitest';
import type { AppEvents } from '../../../../src-common/protocol/client-protocol.js';
import type { SecretKey, SecretStore } from '../../../../src-main/profiles/secret-store.js';
import {
  RECENT_SECRET_MS,
  SecretPrompts,
  secretSourceFor,
  type SecretAsker,
} from '../../../../src-main/connect/secret-prompts.js';
import type { SecretRequest } from '../../../../src-main/ssh/connection/ssh-auth.js';
import { SshError } from '../../../../src-main/ssh/ssh-error.js';

function memoryStore(): SecretStore & { data: Map<SecretKey, string> } {
  const data = new Map<SecretKey, string>();
  return {
    persistent: false,
    data,
    get: (key) => Promise.resolve(data.get(key)),
    set: () => Promise.resolve(),
    delete: (key) => {
      data.delete(key);
      return Promise.resolve();
    },
  };
}

/** A client that answers every prompt with `answer` and counts the prompts. */
function answeringClient(prompts: SecretPrompts, answer: string) {
  const asked: AppEvents['secret.prompt'][] = [];
  const client: SecretAsker = {
    sendEvent: (_event, body) => {
      asked.push(body);
      queueMicrotask(() => prompts.answer(client, body.promptId, [answer]));
    },
  };
  return { client, asked };
}

const password: SecretRequest = {
  kind: 'password',
  host: 'box',
  port: 22,
  user: 'alice',
  name: '',
  instructions: '',
  prompts: [{ prompt: 'Password: ', echo: false }],
};

describe('secretSourceFor', () => {
  it('asks once for the connections of one action, then again after two minutes', async () => {
    let now = 1_000_000;
    const prompts = new SecretPrompts(() => now);
    const store = memoryStore();
    const { client, asked } = answeringClient(prompts, 'hunter2');
    const preflight = secretSourceFor(store, prompts, client);
    expect(await preflight.source(password)).toEqual(['hunter2']);
    const launch = secretSourceFor(store, prompts, client);
    expect(await launch.source(password)).toEqual(['hunter2']);
    expect(asked).toHaveLength(1);
    expect(store.data.size).toBe(0);

    now += RECENT_SECRET_MS + 1;
    expect(await secretSourceFor(store, prompts, client).source(password)).toEqual(['hunter2']);
    expect(asked).toHaveLength(2);
  });

  it('asks again after the server refused it, and asks every other client itself', async () => {
    const prompts = new SecretPrompts();
    const store = memoryStore();
    const first = answeringClient(prompts, 'wrong');
    const refused = secretSourceFor(store, prompts, first.client);
    await refused.source(password);
    await refused.forgetUsed();
    await secretSourceFor(store, prompts, first.client).source(password);
    expect(first.asked).toHaveLength(2);

    const other = answeringClient(prompts, 'theirs');
    expect(await secretSourceFor(store, prompts, other.client).source(password)).toEqual([
      'theirs',
    ]);
    expect(other.asked).toHaveLength(1);
  });

  it("keeps sudo's password apart from the login password, and a retry drops the kept and stored one", async () => {
    const prompts = new SecretPrompts();
    const store = memoryStore();
    const sudo: SecretRequest = { ...password, kind: 'sudo' };
    store.data.set('sudo:alice@box:22', 'stored-but-wrong');
    const { client, asked } = answeringClient(prompts, 'typed');
    const source = secretSourceFor(store, prompts, client).source;
    // The stored one first, without asking.
    expect(await source(sudo)).toEqual(['stored-but-wrong']);
    expect(asked).toHaveLength(0);
    // sudo refused it: the retry asks, and the stored one is gone.
    expect(await source({ ...sudo, retry: true })).toEqual(['typed']);
    expect(asked.map((p) => p.kind)).toEqual(['sudo']);
    expect(store.data.has('sudo:alice@box:22')).toBe(false);
    // What was typed serves the next launch's sudo, not the SSH login.
    expect(await secretSourceFor(store, prompts, client).source(sudo)).toEqual(['typed']);
    expect(asked).toHaveLength(1);
    await secretSourceFor(store, prompts, client).source(password);
    expect(asked.map((p) => p.kind)).toEqual(['sudo', 'password']);
  });

  it('never keeps keyboard-interactive answers, and forgets a client that went away', async () => {
    const prompts = new SecretPrompts();
    const store = memoryStore();
    const { client, asked } = answeringClient(prompts, '123456');
    const otp: SecretRequest = { ...password, kind: 'keyboard-interactive' };
    await secretSourceFor(store, prompts, client).source(otp);
    await secretSourceFor(store, prompts, client).source(otp);
    expect(asked).toHaveLength(2);

    await secretSourceFor(store, prompts, client).source(password);
    prompts.dropAsker(client);
    await secretSourceFor(store, prompts, client).source(password);
    expect(asked.filter((q) => q.kind === 'password')).toHaveLength(2);
  });

  it('drops a kept password after two minutes even when nobody asks again', async () => {
    vi.useFakeTimers();
    try {
      const prompts = new SecretPrompts();
      const { client } = answeringClient(prompts, 'hunter2');
      await secretSourceFor(memoryStore(), prompts, client).source(password);
      expect(prompts.keptCount).toBe(1);
      vi.advanceTimersByTime(RECENT_SECRET_MS + 1);
      expect(prompts.keptCount).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a refusal forgets only the refusing server’s secrets; after a cancel, none', async () => {
    const prompts = new SecretPrompts();
    const store = memoryStore();
    const { client, asked } = answeringClient(prompts, 'typed');
    const bastion: SecretRequest = { ...password, host: 'bastion', user: 'jump' };
    const brokered = secretSourceFor(store, prompts, client);
    await brokered.source(bastion);
    await brokered.source(password);
    // The user cancelled a later question: nothing was refused, nothing is forgotten.
    await brokered.forgetUsed(
      new SshError('auth-failed', 'authentication to box:22 was cancelled', {
        cancelled: true,
        hop: { host: 'box', port: 22, user: 'alice' },
      }),
    );
    // The destination refused its password: the bastion's stays.
    await brokered.forgetUsed(
      new SshError('auth-failed', 'box:22 rejected the password for user alice', {
        hop: { host: 'box', port: 22, user: 'alice' },
      }),
    );
    const again = secretSourceFor(store, prompts, client);
    await again.source(bastion);
    await again.source(password);
    expect(asked.map((q) => q.host)).toEqual(['bastion', 'box', 'box']);
  });

  it('a cancelled question keeps nothing', async () => {
    const prompts = new SecretPrompts();
    const sent = vi.fn();
    const client: SecretAsker = {
      sendEvent: (_event, body) => {
        sent(body);
        queueMicrotask(() => prompts.answer(client, body.promptId, null));
      },
    };
    const store = memoryStore();
    expect(await secretSourceFor(store, prompts, client).source(password)).toBeUndefined();
    expect(await secretSourceFor(store, prompts, client).source(password)).toBeUndefined();
    expect(sent).toHaveBeenCalledTimes(2);
  });
});
