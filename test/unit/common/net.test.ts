/** Loopback names and port numbers (`src-common/net.ts`). */
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isLoopbackName, parsePort } from '../../../src-common/net.js';

describe('isLoopbackHost', () => {
  it('knows the loopback names VS Code users write', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      'app.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
    ])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      '10.0.0.5',
      'staging.example.com',
      '0.0.0.0',
      'localhost.example.com',
      '::2',
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('isLoopbackName', () => {
  it('is true for the three names Periscope binds and accepts, exactly', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(isLoopbackName(host)).toBe(true);
    for (const host of ['127.0.0.2', '[::1]', 'LOCALHOST', '0.0.0.0', 'example.com'])
      expect(isLoopbackName(host), host).toBe(false);
  });
});

describe('parsePort', () => {
  it('takes 0 to 65535 as Number reads them, and nothing else', () => {
    expect(parsePort('8001')).toBe(8001);
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
    for (const text of ['65536', '-1', '80.5', 'http', '1e9'])
      expect(parsePort(text), text).toBe(undefined);
  });
});
