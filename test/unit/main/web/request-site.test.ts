import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestSite } from '../../../../src-main/web/request-site.js';

const request = (headers: Record<string, string>): IncomingMessage =>
  ({ headers: { host: '127.0.0.1:7821', ...headers } }) as unknown as IncomingMessage;

describe('requestSite', () => {
  it.each([
    [{}],
    [{ 'sec-fetch-site': 'none' }],
    [{ 'sec-fetch-site': 'same-origin' }],
    [{ origin: 'http://127.0.0.1:7821', 'sec-fetch-site': 'same-origin' }],
  ])('ours: %o', (headers) => {
    expect(requestSite(request(headers), 7821)).toBe('ours');
  });

  it.each([
    [{ 'sec-fetch-site': 'cross-site' }],
    [{ 'sec-fetch-site': 'same-site' }],
    [{ 'sec-fetch-site': 'some-future-value' }],
    [{ origin: 'http://evil.test' }],
    [{ origin: 'http://127.0.0.1:9999', 'sec-fetch-site': 'same-origin' }],
    [{ origin: 'null' }],
  ])('foreign: %o', (headers) => {
    expect(requestSite(request(headers), 7821)).toBe('foreign');
  });
});
