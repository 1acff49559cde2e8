/**
 * Where a request to web mode's server comes from, as far as a browser tells: from this app's own
 * pages or the user (typed, pasted, opened from a terminal), or from a page of another site.
 *
 * Browsers mark every request with `Sec-Fetch-Site` (Chromium 76+, Firefox 90+, Safari 16.4+):
 * `same-origin` for our own pages, `none` for a URL the user opened, `same-site` or `cross-site`
 * for a request another page made — an `<img>`, a link, a form, a fetch. A page on another port of
 * 127.0.0.1 is `same-site` (sites ignore ports) and is just as foreign. Cross-origin fetches and
 * forms also send `Origin`. A program that is not a browser sends neither, and counts as local.
 *
 * A page cannot forge these headers; a program can, but a program on this machine that sends
 * "same-origin" gains nothing it could not have by sending none.
 */
import type { IncomingMessage } from 'node:http';
import { isOwnOrigin } from './request-guards.js';

/** `ours`: our own page, the user, or a program on this machine; `foreign`: another site's page. */
export type RequestSite = 'ours' | 'foreign';

/**
 * Classifies `request` (see the module comment). `Origin`, when present, must be exactly our own
 * (`http://<Host>`); `Sec-Fetch-Site`, when present, must be `same-origin` or `none` — any other
 * value, including ones not defined yet, is foreign.
 */
export function requestSite(
  request: IncomingMessage,
  port: number,
  extraHosts: readonly string[] = [],
): RequestSite {
  const origin = request.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, request.headers.host, port, extraHosts))
    return 'foreign';
  const site = request.headers['sec-fetch-site'];
  if (site === undefined) return 'ours';
  return typeof site === 'string' && (site === 'same-origin' || site === 'none')
    ? 'ours'
    : 'foreign';
}
