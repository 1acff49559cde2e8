/**
 * The `app://periscope/` request handler: serves files of the built renderer with the CSP header.
 * No Electron import (Electron's `protocol.handle` takes a fetch-API `Request` → `Response`
 * function, which Node has too), so it is unit-tested with plain Node.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '../log/logger.js';
import { contentTypeFor, resolveAppFile } from './app-url.js';
import { HEADER_CSP } from '../../src-common/content-security-policy.js';

/**
 * Creates the handler for `protocol.handle('app', …)`.
 *
 * Answers: 200 with the file, `Content-Type` by extension, `Content-Security-Policy`
 * ({@link HEADER_CSP}) and `X-Content-Type-Options: nosniff`; 405 for methods other than
 * GET/HEAD; 404 for paths outside `rootDir` or files that cannot be read. Never throws.
 *
 * @param rootDir the built renderer, `dist/renderer/`.
 */
export function createAppRequestHandler(
  rootDir: string,
  logger: Logger,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    const file = resolveAppFile(request.url, rootDir);
    if (file === undefined) {
      logger.warn('refused app:// request outside the renderer', { url: request.url });
      return new Response(null, { status: 404 });
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch (error) {
      logger.debug('app:// file not readable', {
        url: request.url,
        code: (error as NodeJS.ErrnoException).code,
      });
      return new Response(null, { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': contentTypeFor(file),
        'content-security-policy': HEADER_CSP,
        'x-content-type-options': 'nosniff',
      },
    });
  };
}
