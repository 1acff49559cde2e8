import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEADER_CSP, RENDERER_META_CSP } from '../../../src-common/content-security-policy.js';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('content security policy', () => {
  it('starts from default-src none and allows only what the renderer needs', () => {
    const csp = directives(HEADER_CSP);
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(csp.get('img-src')).toBe("'self' data:");
    expect(csp.get('font-src')).toBe("'self' data:");
    expect(csp.get('connect-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(HEADER_CSP).not.toMatch(/unsafe-eval|\*\s*;|https?:/);
  });

  it('the meta-tag policy adds the loopback WebSocket and drops frame-ancestors', () => {
    const csp = directives(RENDERER_META_CSP);
    expect(csp.get('connect-src')).toBe("'self' ws://127.0.0.1:* ws://localhost:*");
    expect(csp.has('frame-ancestors')).toBe(false);
    expect(csp.get('script-src')).toBe("'self'");
  });
});

describe('one policy for the headers and the meta tag', () => {
  it("index.html's meta tag is the meta-tag policy", () => {
    const html = readFileSync(new URL('../../../src-renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(RENDERER_META_CSP);
  });
});
