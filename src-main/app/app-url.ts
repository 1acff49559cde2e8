/**
 * The app's own origin. Electron serves the built renderer (`dist/renderer/`) from the custom
 * scheme `app://periscope/` instead of `file://`, so the page has a real origin that `'self'` in
 * the CSP, the navigation guard and the IPC sender check can name, and the
 * `grantFileProtocolExtraPrivileges` fuse can stay off (Electron security checklist, "Avoid usage
 * of the file:// protocol"). No Electron import: pure and unit-tested.
 */
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/** The custom scheme, registered as standard and secure before `app` is ready. */
export const APP_SCHEME = 'app';

/** The one host of the scheme. */
export const APP_HOST = 'periscope';

/** `app://periscope`: the origin of every page Periscope shows. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The URL the main window loads. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Whether `url` is on the app's origin (`app://periscope/...`). Unparseable URLs are not. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Maps an `app://periscope/<path>` URL to a file under `rootDir` (the built renderer).
 * `/` means `index.html`. Query and fragment are ignored.
 *
 * @returns the absolute file path, or `undefined` when the URL is not on the app origin, its path
 *   does not decode, contains a NUL byte, or resolves outside `rootDir` (`..`, `%2e%2e`, `%2f`).
 */
export function resolveAppFile(url: string, rootDir: string): string | undefined {
  if (!isAppUrl(url)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  if (path === '' || path === '/') path = '/index.html';
  const root = resolve(rootDir);
  const file = resolve(root, `.${path}`);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** The `Content-Type` for a renderer file, by extension; `application/octet-stream` if unknown. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
