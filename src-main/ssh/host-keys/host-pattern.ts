/**
 * Host name matching for known_hosts lines, as OpenSSH's `match_hostname` does (sshd(8)
 * "SSH_KNOWN_HOSTS FILE FORMAT"): comma-separated patterns with `*` and `?` wildcards, `!` negation,
 * `[host]:port` for ports other than 22, and hashed names `|1|<salt>|<hash>` (HMAC-SHA1).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The OpenSSH default port; hosts on other ports are recorded as `[host]:port`. */
export const DEFAULT_SSH_PORT = 22;

/**
 * The name a host is recorded under in known_hosts: the lowercased `host` for port 22,
 * `[host]:port` otherwise.
 */
export function knownHostsName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === DEFAULT_SSH_PORT ? lower : `[${lower}]:${port}`;
}

/**
 * Whether a known_hosts host field matches `name` (from {@link knownHostsName}). A hashed field
 * (`|1|salt|hash`) matches when HMAC-SHA1(salt, name) equals hash. Otherwise a negated pattern that
 * matches wins (no match); else any positive pattern that matches is a match.
 */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedHostMatches(field, name);
  let matched = false;
  for (const rawPattern of field.split(',')) {
    const negated = rawPattern.startsWith('!');
    const pattern = (negated ? rawPattern.slice(1) : rawPattern).toLowerCase();
    if (pattern === '' || !wildcardMatches(pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `|1|<base64 salt>|<base64 HMAC-SHA1(salt, name)>`, as written by `ssh-keygen -H`. */
function hashedHostMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1' || parts[2] === undefined || parts[3] === undefined)
    return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = Buffer.from(parts[3], 'base64');
  if (salt.length === 0 || expected.length !== 20) return false;
  const actual = createHmac('sha1', salt).update(name).digest();
  return timingSafeEqual(actual, expected);
}

/** Whether a field is a well-formed hashed host name. */
export function isHashedHostField(field: string): boolean {
  return /^\|1\|[A-Za-z0-9+/]+={0,2}\|[A-Za-z0-9+/]+={0,2}$/.test(field);
}

/** OpenSSH `match_pattern`: `*` is any sequence (also empty), `?` is exactly one character. */
export function wildcardMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = p++;
      starT = t;
    } else if (c !== undefined && (c === '?' || c === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
