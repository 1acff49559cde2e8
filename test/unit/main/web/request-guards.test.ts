import { describe, expect, it } from 'vitest';
import { isAllowedHost, isOwnOrigin } from '../../../../src-main/web/request-guards.js';
import { createClientToken, tokenMatches } from '../../../../src-main/web/client-token.js';

describe('Host and Origin checks', () => {
  it.each(['127.0.0.1:8002', 'localhost:8002', '[::1]:8002', 'LOCALHOST:8002'])(
    'allows %s',
    (host) => {
      expect(isAllowedHost(host, 8002)).toBe(true);
    },
  );
  it.each([
    undefined,
    '',
    '127.0.0.1',
    '127.0.0.1:8003',
    'localhost6:8002',
    '127.1:8002',
    '0177.0.0.1:8002',
    'evil.test:8002',
    '127.0.0.1.evil.test:8002',
    '[::ffff:127.0.0.1]:8002',
  ])('refuses %s', (host) => {
    expect(isAllowedHost(host, 8002)).toBe(false);
  });
  it('accepts only the origin matching the Host the page was loaded from', () => {
    expect(isOwnOrigin('http://127.0.0.1:8002', '127.0.0.1:8002', 8002)).toBe(true);
    expect(isOwnOrigin('http://localhost:8002', '127.0.0.1:8002', 8002)).toBe(false);
    expect(isOwnOrigin('https://127.0.0.1:8002', '127.0.0.1:8002', 8002)).toBe(false);
    expect(isOwnOrigin('null', '127.0.0.1:8002', 8002)).toBe(false);
    expect(isOwnOrigin(undefined, '127.0.0.1:8002', 8002)).toBe(false);
  });
});

describe('client token', () => {
  it('is 256 random bits and matches only itself', () => {
    const token = createClientToken();
    expect(token).toHaveLength(43);
    expect(createClientToken()).not.toBe(token);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token, token.slice(0, -1))).toBe(false);
    expect(tokenMatches(token, '')).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
  });
});
