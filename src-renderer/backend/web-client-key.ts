/**
 * Web mode's client key: the second half of the page's credential for the relay's WebSocket,
 * the half no cookie carries (`src-main/web/browser-credential.ts` has the why).
 *
 * Opening the printed token URL redirects to `/#key=<key>`. The page takes the key out of the
 * fragment (which the browser never sends to a server), keeps it in `localStorage` — readable by
 * this origin only, i.e. this scheme, host *and port*, so tabs opened later and reloads find it —
 * and drops the fragment from the address bar and history.
 */

/** The `localStorage` entry holding the key. */
export const CLIENT_KEY_STORAGE = 'periscope.clientKey';

/** What {@link takeClientKey} needs of the window (the real one in the app, fakes in tests). */
export interface KeyWindow {
  location: { hash: string; pathname: string; search: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/**
 * Moves a key found in the URL's fragment into storage (removing the fragment from the address
 * bar), then returns the stored key, or null when there is none (the user has not opened the
 * token URL in this browser yet). A fragment without a key is left alone.
 */
export function takeClientKey(win: KeyWindow): string | null {
  const fromFragment = new URLSearchParams(win.location.hash.replace(/^#/, '')).get('key');
  if (fromFragment) {
    try {
      win.localStorage.setItem(CLIENT_KEY_STORAGE, fromFragment);
    } catch {
      // Storage refused (a private window's quota): this tab still connects with the key below.
    }
    win.history.replaceState(null, '', win.location.pathname + win.location.search);
    return fromFragment;
  }
  try {
    return win.localStorage.getItem(CLIENT_KEY_STORAGE);
  } catch {
    return null;
  }
}

/** The WebSocket URL of the relay's client endpoint on `host`, with `key` when there is one. */
export function clientEndpointUrl(scheme: 'ws' | 'wss', host: string, key: string | null): string {
  const base = `${scheme}://${host}/client`;
  return key ? `${base}?key=${encodeURIComponent(key)}` : base;
}
