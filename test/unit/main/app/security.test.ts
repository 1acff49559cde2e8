import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  applySessionRestrictions,
  applyWebContentsRestrictions,
  decidePermissionCheck,
  decidePermissionRequest,
  decideWindowOpen,
  isNavigationAllowed,
} from '../../../../src-main/app/security.js';
import { silentLogger } from '../../../../src-main/log/logger.js';

// Electron's types, named through the functions under test (tests do not import electron).
type WebContents = Parameters<typeof applyWebContentsRestrictions>[0];
type Session = Parameters<typeof applySessionRestrictions>[0];
type WindowOpenHandlerResponse = ReturnType<typeof decideWindowOpen>;

class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => WindowOpenHandlerResponse) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
}

function navigationEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('security decisions', () => {
  it('allows navigation only within app://periscope', () => {
    expect(isNavigationAllowed('app://periscope/index.html')).toBe(true);
    expect(isNavigationAllowed('https://example.com/')).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd')).toBe(false);
    expect(isNavigationAllowed('app://elsewhere/')).toBe(false);
  });

  it('denies every window.open and every permission', () => {
    expect(decideWindowOpen({ url: 'app://periscope/index.html' })).toEqual({ action: 'deny' });
    expect(decideWindowOpen({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    for (const permission of [
      'media',
      'notifications',
      'clipboard-read',
      'geolocation',
      'openExternal',
    ]) {
      expect(decidePermissionRequest(permission)).toBe(false);
      expect(decidePermissionCheck(permission)).toBe(false);
    }
  });
});

describe('applyWebContentsRestrictions', () => {
  const contents = new FakeWebContents();
  applyWebContentsRestrictions(contents as unknown as WebContents, silentLogger);

  it.each(['will-navigate', 'will-redirect'])(
    '%s: prevents leaving the app, lets app URLs through',
    (name) => {
      const away = navigationEvent('https://attacker.example/');
      contents.emit(name, away);
      expect(away.preventDefault).toHaveBeenCalledOnce();

      const inside = navigationEvent('app://periscope/index.html');
      contents.emit(name, inside);
      expect(inside.preventDefault).not.toHaveBeenCalled();
    },
  );

  it('installs a window-open handler that denies', () => {
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({
      action: 'deny',
    });
  });

  it('prevents attaching a webview', () => {
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, { src: 'https://example.com' });
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });
});

describe('applySessionRestrictions', () => {
  it('denies permission requests, checks and devices', () => {
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    };
    applySessionRestrictions(session as unknown as Session, silentLogger);

    const request = session.setPermissionRequestHandler.mock.calls[0]?.[0] as (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void;
    const callback = vi.fn();
    request({}, 'media', callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);

    const check = session.setPermissionCheckHandler.mock.calls[0]?.[0] as (
      c: unknown,
      p: string,
    ) => boolean;
    expect(check(null, 'clipboard-read')).toBe(false);
    const device = session.setDevicePermissionHandler.mock.calls[0]?.[0] as () => boolean;
    expect(device()).toBe(false);
  });
});
