import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  contentTypeFor,
  isAppUrl,
  resolveAppFile,
} from '../../../../src-main/app/app-url.js';

const root = '/opt/periscope/dist/renderer';

describe('isAppUrl', () => {
  it.each([APP_INDEX_URL, 'app://periscope/', 'app://periscope/assets/x.js?v=1#top'])(
    'accepts %s',
    (url) => {
      expect(isAppUrl(url)).toBe(true);
    },
  );

  it.each([
    'file:///opt/periscope/dist/renderer/index.html',
    'https://periscope/index.html',
    'app://evil/index.html',
    'app://periscope.evil.com/',
    'app://periscope:8080/',
    'not a url',
    '',
  ])('rejects %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('resolveAppFile', () => {
  it('maps paths under the renderer directory', () => {
    expect(resolveAppFile('app://periscope/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://periscope/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://periscope/assets/index-abc.js?x#y', root)).toBe(
      join(root, 'assets', 'index-abc.js'),
    );
    expect(resolveAppFile('app://periscope/a%20b.css', root)).toBe(join(root, 'a b.css'));
  });

  it('keeps dot segments the URL parser removes inside the root', () => {
    expect(resolveAppFile('app://periscope/../../etc/passwd', root)).toBe(
      join(root, 'etc', 'passwd'),
    );
    expect(resolveAppFile('app://periscope/%2e%2e/etc/passwd', root)).toBe(
      join(root, 'etc', 'passwd'),
    );
  });

  it.each([
    'app://periscope/..%2f..%2fetc/passwd',
    'app://periscope/assets/%2e%2e%2f%2e%2e%2fsecret',
    'app://periscope/..%5c..%5csecret',
    'app://periscope/a%00b',
    'app://periscope/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(url, root)).toBeUndefined();
  });
});

describe('contentTypeFor', () => {
  it('knows the renderer file types', () => {
    expect(contentTypeFor('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/x/f.woff2')).toBe('font/woff2');
    expect(contentTypeFor('/x/blob')).toBe('application/octet-stream');
  });
});
