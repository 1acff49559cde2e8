import { describe, expect, it } from 'vitest';
import {
  CLIENT_KEY_STORAGE,
  clientEndpointUrl,
  takeClientKey,
  type KeyWindow,
} from '../../../../src-renderer/backend/web-client-key.js';

function fakeWindow(hash: string, stored?: string): KeyWindow & { urls: string[] } {
  const store = new Map<string, string>(stored ? [[CLIENT_KEY_STORAGE, stored]] : []);
  const urls: string[] = [];
  return {
    urls,
    location: { hash, pathname: '/', search: '' },
    history: { replaceState: (_d, _u, url) => urls.push(url) },
    localStorage: {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v),
    },
  };
}

describe('web client key', () => {
  it('moves the key from the fragment into storage and clears the address bar', () => {
    const win = fakeWindow('#key=abc_DEF-123', 'stale');
    expect(takeClientKey(win)).toBe('abc_DEF-123');
    expect(win.localStorage.getItem(CLIENT_KEY_STORAGE)).toBe('abc_DEF-123');
    expect(win.urls).toEqual(['/']);
  });

  it('uses the stored key when the URL has none, and leaves other fragments alone', () => {
    const win = fakeWindow('#section', 'kept');
    expect(takeClientKey(win)).toBe('kept');
    expect(win.urls).toEqual([]);
    expect(takeClientKey(fakeWindow(''))).toBeNull();
  });

  it('puts the key in the client endpoint URL', () => {
    expect(clientEndpointUrl('ws', '127.0.0.1:7821', 'a-b_c')).toBe(
      'ws://127.0.0.1:7821/client?key=a-b_c',
    );
    expect(clientEndpointUrl('wss', 'h:1', null)).toBe('wss://h:1/client');
  });
});
