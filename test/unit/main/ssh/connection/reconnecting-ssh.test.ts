import { describe, expect, it, vi } from 'vitest';
import type { SecretRequest } from '../../../../../src-main/ssh/connection/ssh-auth.js';
import {
  backoffDelay,
  rememberForReconnects,
} from '../../../../../src-main/ssh/connection/reconnecting-ssh.js';

describe('backoffDelay', () => {
  it('doubles from 1 s up to 60 s, with jitter between half and all of each step', () => {
    const steps = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) =>
      backoffDelay(n, 1000, 60_000, () => 0.999999),
    );
    expect(steps).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(30, 1000, 60_000, () => 0)).toBe(30_000);
  });

  it('spreads reconnects of many clients (jitter) within [step/2, step]', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });
});

describe('rememberForReconnects', () => {
  const request = (kind: SecretRequest['kind']): SecretRequest => ({
    kind,
    host: 'h',
    port: 22,
    user: 'u',
    name: '',
    instructions: '',
    prompts: [{ prompt: 'Password:', echo: false }],
  });

  it('asks once for a password and reuses it for reconnects; forget() asks again', async () => {
    const source = vi.fn(() => Promise.resolve(['pw'] as string[] | undefined));
    const remembering = rememberForReconnects(source);
    expect(await remembering(request('password'))).toEqual(['pw']);
    expect(await remembering(request('password'))).toEqual(['pw']);
    expect(source).toHaveBeenCalledTimes(1);
    remembering.forget();
    await remembering(request('password'));
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('never reuses keyboard-interactive answers (one-time codes) nor a cancelled question', async () => {
    const source = vi.fn(() => Promise.resolve(undefined as string[] | undefined));
    const remembering = rememberForReconnects(source);
    await remembering(request('keyboard-interactive'));
    await remembering(request('keyboard-interactive'));
    await remembering(request('password'));
    await remembering(request('password'));
    expect(source).toHaveBeenCalledTimes(4);
  });
});
