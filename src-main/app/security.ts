/**
 * Security restrictions for every web contents and the session, following Electron's security
 * checklist: no navigation away from the app, no new windows, no `<webview>`, every permission
 * denied.
 *
 * The decisions are pure functions; the `apply…` functions wire them to Electron objects passed
 * in. This file imports Electron types only, so it is unit-tested with fakes.
 */
import type { Session, WebContents, WindowOpenHandlerResponse } from 'electron';
import type { Logger } from '../log/logger.js';
import { isAppUrl } from './app-url.js';

/** Navigation (`will-navigate`, `will-redirect`) is allowed only within the app's own origin. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/** `window.open`, `target=_blank` links and the like never open a window: always deny. */
export function decideWindowOpen(_details: { url: string }): WindowOpenHandlerResponse {
  return { action: 'deny' };
}

/** Permission requests (camera, notifications, clipboard read, …) are all denied. */
export function decidePermissionRequest(_permission: string): boolean {
  return false;
}

/** Permission checks (`navigator.permissions.query`, …) all answer "not granted". */
export function decidePermissionCheck(_permission: string): boolean {
  return false;
}

/** `<webview>` tags are never attached. */
export function isWebviewAllowed(): boolean {
  return false;
}

/** The part of an Electron event these handlers use. */
interface Preventable {
  preventDefault(): void;
}

/**
 * Installs the navigation, window-open and webview guards on one web contents. Call it from
 * `app.on('web-contents-created')`, so it covers every web contents, not only the ones we make.
 */
export function applyWebContentsRestrictions(contents: WebContents, logger: Logger): void {
  const guardNavigation = (kind: string) => (event: Preventable & { url: string }) => {
    if (isNavigationAllowed(event.url)) return;
    event.preventDefault();
    logger.warn(`blocked ${kind}`, { url: event.url });
  };
  contents.on('will-navigate', guardNavigation('navigation'));
  contents.on('will-redirect', guardNavigation('redirect'));
  contents.setWindowOpenHandler((details) => {
    const decision = decideWindowOpen(details);
    if (decision.action === 'deny') logger.warn('blocked window.open', { url: details.url });
    return decision;
  });
  contents.on('will-attach-webview', (event: Preventable) => {
    if (isWebviewAllowed()) return;
    event.preventDefault();
    logger.warn('blocked <webview>');
  });
}

/** Installs deny-all permission handlers on a session (request, check, device). */
export function applySessionRestrictions(session: Session, logger: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    const granted = decidePermissionRequest(permission);
    if (!granted) logger.warn('denied permission request', { permission });
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission) => decidePermissionCheck(permission));
  session.setDevicePermissionHandler(() => false);
}
