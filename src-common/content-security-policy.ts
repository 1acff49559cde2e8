/**
 * The renderer's Content Security Policy (CSP Level 3), starting from `default-src 'none'`: the
 * one source of the header Electron's `app://` handler and web mode's server send, and of the
 * `<meta>` tag in `src-renderer/index.html` (a test checks the tag against it).
 */

/** Sources allowed for `connect-src`, besides `'self'`. */
export interface CspOptions {
  /** Extra `connect-src` sources, e.g. `ws://127.0.0.1:*` for web mode's relay WebSocket. */
  connectSources?: readonly string[];
}

/**
 * Builds the policy string.
 *
 * - scripts only from the app itself (no inline script, no eval);
 * - `style-src 'unsafe-inline'` because CodeMirror 6 and xterm.js inject `<style>` elements;
 * - images and fonts from the app and `data:` URLs;
 * - no plugins, frames, forms, `<base>` changes, or being framed.
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connectSources ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The policy sent as a header with every file of the renderer: by Electron with every
 * `app://periscope/` response (the renderer talks to the backend through the preload bridge there,
 * so it needs no WebSocket) and by web mode's server (its WebSocket is the page's own origin,
 * `'self'`).
 */
export const HEADER_CSP = contentSecurityPolicy();

/**
 * The policy for the renderer's `index.html` `<meta http-equiv="Content-Security-Policy">`, which
 * also serves web mode: the relay's WebSocket on loopback. (`frame-ancestors` is ignored in a
 * meta tag, so it is left out there.)
 */
export const RENDERER_META_CSP = contentSecurityPolicy({
  connectSources: ['ws://127.0.0.1:*', 'ws://localhost:*'],
})
  .split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
