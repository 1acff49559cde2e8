import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hostFieldMatches,
  wildcardMatches,
} from '../../../../../src-main/ssh/host-keys/host-pattern.js';
import {
  addKnownHost,
  checkHostKey,
  defaultKnownHostsFiles,
  GLOBAL_KNOWN_HOSTS_FILES,
  fingerprintSha256,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  verdictFor,
} from '../../../../../src-main/ssh/host-keys/known-hosts.js';

/** A fake but well-formed key blob: string type, string payload. */
function keyBlob(type: string, seed: string): Buffer {
  const typeBytes = Buffer.from(type);
  const payload = Buffer.from(seed.padEnd(32, '.'));
  const out = Buffer.alloc(8 + typeBytes.length + payload.length);
  out.writeUInt32BE(typeBytes.length, 0);
  typeBytes.copy(out, 4);
  out.writeUInt32BE(payload.length, 4 + typeBytes.length);
  payload.copy(out, 8 + typeBytes.length);
  return out;
}

const ED_A = keyBlob('ssh-ed25519', 'a');
const ED_B = keyBlob('ssh-ed25519', 'b');
const ECDSA = keyBlob('ecdsa-sha2-nistp256', 'c');
const ECDSA_D = keyBlob('ecdsa-sha2-nistp256', 'd');
const RSA = keyBlob('ssh-rsa', 'r');
const line = (hosts: string, blob: Buffer, marker = ''): string =>
  `${marker ? `${marker} ` : ''}${hosts} ${keyTypeOf(blob)} ${blob.toString('base64')}`;

function hashedName(name: string): string {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

describe('key blobs', () => {
  it('reads the key type at the start of the blob', () => {
    expect(keyTypeOf(ED_A)).toBe('ssh-ed25519');
    expect(keyTypeOf(ECDSA)).toBe('ecdsa-sha2-nistp256');
    expect(() => keyTypeOf(Buffer.from([0, 0]))).toThrow();
    expect(() => keyTypeOf(Buffer.from([0, 0, 1, 0, 65]))).toThrow();
  });

  it('formats the SHA-256 fingerprint as OpenSSH does (no padding)', () => {
    const fp = fingerprintSha256(ED_A);
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('host patterns', () => {
  it('matches wildcards like OpenSSH match_pattern', () => {
    expect(wildcardMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(wildcardMatches('*.example.com', 'example.com')).toBe(false);
    expect(wildcardMatches('host?', 'host1')).toBe(true);
    expect(wildcardMatches('host?', 'host12')).toBe(false);
    expect(wildcardMatches('*', '')).toBe(true);
    expect(wildcardMatches('a*b*c', 'axxbyyc')).toBe(true);
    expect(wildcardMatches('a*b*c', 'axxbyy')).toBe(false);
  });

  it('uses [host]:port for ports other than 22 and lowercases', () => {
    expect(knownHostsName('Example.COM', 22)).toBe('example.com');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('handles comma lists and negation', () => {
    expect(hostFieldMatches('a,b,c', 'b')).toBe(true);
    expect(hostFieldMatches('*.corp,!secret.corp', 'web.corp')).toBe(true);
    expect(hostFieldMatches('*.corp,!secret.corp', 'secret.corp')).toBe(false);
    expect(hostFieldMatches('[h]:2222', 'h')).toBe(false);
    expect(hostFieldMatches('[h]:2222', '[h]:2222')).toBe(true);
  });

  it('matches hashed names with HMAC-SHA1', () => {
    const field = hashedName('[10.0.0.5]:2200');
    expect(hostFieldMatches(field, '[10.0.0.5]:2200')).toBe(true);
    expect(hostFieldMatches(field, '10.0.0.5')).toBe(false);
  });
});

describe('parseKnownHosts', () => {
  it('parses entries, markers and skips comments, blanks and malformed lines', () => {
    const text = [
      '# a comment',
      '',
      line('host1,host2', ED_A),
      '   ' + line('host3', ECDSA) + ' some comment words',
      line('*', ED_B, '@revoked'),
      line('*.corp', ED_A, '@cert-authority'),
      'onlyonefield',
      'host ssh-ed25519 !!!notbase64!!!',
      `host ecdsa-sha2-nistp256 ${ED_A.toString('base64')}`, // type mismatch with blob
      line('host', ED_A, '@bogus'),
      '|1|notvalid host-hash ' + `ssh-ed25519 ${ED_A.toString('base64')}`,
      line(hashedName('host9'), ED_B),
    ].join('\r\n');
    const parsed = parseKnownHosts(text, 'kh');
    expect(parsed.entries.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [3, 'none', 'host1,host2', 'ssh-ed25519'],
      [4, 'none', 'host3', 'ecdsa-sha2-nistp256'],
      [5, 'revoked', '*', 'ssh-ed25519'],
      [6, 'cert-authority', '*.corp', 'ssh-ed25519'],
      [12, 'none', expect.stringMatching(/^\|1\|/), 'ssh-ed25519'],
    ]);
    expect(parsed.malformedLines).toEqual([7, 8, 9, 10, 11]);
    expect(parsed.entries[0]?.keyBlob.equals(ED_A)).toBe(true);
  });
});

describe('verdictFor', () => {
  const entries = parseKnownHosts(
    [
      line('[h]:2222', ED_A),
      line('other', ED_B),
      line('*.corp', ED_B, '@cert-authority'),
      line('*', ECDSA, '@revoked'),
      line(hashedName('hashed'), ED_A),
      line('ecdsa-only', ECDSA),
    ].join('\n'),
    'kh',
  ).entries;

  it('known when a line for the host has the key', () => {
    expect(verdictFor(entries, 'h', 2222, ED_A)).toEqual({ status: 'known' });
    expect(verdictFor(entries, 'hashed', 22, ED_A)).toEqual({ status: 'known' });
  });

  it('unknown for another port or host', () => {
    expect(verdictFor(entries, 'h', 22, ED_A)).toEqual({ status: 'unknown' });
    expect(verdictFor(entries, 'nobody', 22, ED_A)).toEqual({ status: 'unknown' });
  });

  it('changed when the same key type differs, with file and line', () => {
    expect(verdictFor(entries, 'h', 2222, ED_B)).toEqual({
      status: 'changed',
      file: 'kh',
      line: 1,
      knownKeyType: 'ssh-ed25519',
    });
    expect(verdictFor(entries, 'hashed', 22, ED_B)).toMatchObject({ status: 'changed', line: 5 });
  });

  it('a key of another type than the recorded one says which types are known, and where', () => {
    expect(verdictFor(entries, 'ecdsa-only', 22, ED_A)).toEqual({
      status: 'other-types-known',
      knownKeys: [
        {
          keyType: 'ecdsa-sha2-nistp256',
          fingerprint: fingerprintSha256(ECDSA),
          file: 'kh',
          line: 6,
        },
      ],
    });
  });

  it('other types known: [host]:port names only that port', () => {
    expect(verdictFor(entries, 'h', 2222, ECDSA_D)).toEqual({
      status: 'other-types-known',
      knownKeys: [
        { keyType: 'ssh-ed25519', fingerprint: fingerprintSha256(ED_A), file: 'kh', line: 1 },
      ],
    });
    expect(verdictFor(entries, 'h', 22, ECDSA_D)).toEqual({ status: 'unknown' });
  });

  it('other types known: a hashed entry counts', () => {
    expect(verdictFor(entries, 'hashed', 22, ECDSA_D)).toMatchObject({
      status: 'other-types-known',
      knownKeys: [{ keyType: 'ssh-ed25519', line: 5 }],
    });
  });

  it('other types known: @revoked still wins', () => {
    expect(verdictFor(entries, 'h', 2222, ECDSA)).toEqual({
      status: 'revoked',
      file: 'kh',
      line: 4,
    });
  });

  it('other types known: the first line of each type, in order; revoked and CA lines are no record', () => {
    const many = parseKnownHosts(
      [
        line('multi', RSA),
        line('multi', ED_A),
        line('multi', keyBlob('ssh-rsa', 'second rsa')),
        line('only-revoked', ED_A, '@revoked'),
        line('only-ca', ED_A, '@cert-authority'),
      ].join('\n'),
      '/home/u/.ssh/known_hosts',
    ).entries;
    expect(verdictFor(many, 'multi', 22, ECDSA)).toEqual({
      status: 'other-types-known',
      knownKeys: [
        {
          keyType: 'ssh-rsa',
          fingerprint: fingerprintSha256(RSA),
          file: '/home/u/.ssh/known_hosts',
          line: 1,
        },
        {
          keyType: 'ssh-ed25519',
          fingerprint: fingerprintSha256(ED_A),
          file: '/home/u/.ssh/known_hosts',
          line: 2,
        },
      ],
    });
    expect(verdictFor(many, 'only-revoked', 22, ECDSA)).toEqual({ status: 'unknown' });
    expect(verdictFor(many, 'only-ca', 22, ECDSA)).toEqual({ status: 'unknown' });
  });

  it('revoked wins, and cert-authority lines are not host keys', () => {
    expect(verdictFor(entries, 'ecdsa-only', 22, ECDSA)).toEqual({
      status: 'revoked',
      file: 'kh',
      line: 4,
    });
    expect(verdictFor(entries, 'web.corp', 22, ED_B)).toEqual({ status: 'unknown' });
  });

  it('lists the key types known for a host', () => {
    expect(knownKeyTypes(entries, 'h', 2222)).toEqual(['ssh-ed25519']);
    expect(knownKeyTypes(entries, 'ecdsa-only', 22)).toEqual(['ecdsa-sha2-nistp256']);
  });
});

describe('files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'periscope-kh-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checkHostKey reads several files and ignores missing ones', async () => {
    const a = path.join(dir, 'a');
    await writeFile(a, `${line('x', ED_B)}\n`);
    expect(await checkHostKey([path.join(dir, 'missing'), a], 'x', 22, ED_B)).toEqual({
      status: 'known',
    });
    expect(await checkHostKey([path.join(dir, 'missing')], 'x', 22, ED_B)).toEqual({
      status: 'unknown',
    });
  });

  it('checkHostKey names the file and line of a key of another type in a second file', async () => {
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    await writeFile(first, `${line('elsewhere', RSA)}\n`);
    await writeFile(second, `# system-wide\n${line('[y]:2200', RSA)}\n`);
    expect(await checkHostKey([first, second], 'y', 2200, ED_A)).toEqual({
      status: 'other-types-known',
      knownKeys: [
        { keyType: 'ssh-rsa', fingerprint: fingerprintSha256(RSA), file: second, line: 2 },
      ],
    });
  });

  it("lists OpenSSH's default files: the user's, ours, then the system-wide ones", () => {
    expect(GLOBAL_KNOWN_HOSTS_FILES).toEqual([
      '/etc/ssh/ssh_known_hosts',
      '/etc/ssh/ssh_known_hosts2',
    ]);
    expect(defaultKnownHostsFiles('/home/u', '/data/known_hosts')).toEqual([
      '/home/u/.ssh/known_hosts',
      '/home/u/.ssh/known_hosts2',
      '/data/known_hosts',
      '/etc/ssh/ssh_known_hosts',
      '/etc/ssh/ssh_known_hosts2',
    ]);
    expect(defaultKnownHostsFiles('/home/u', '/data/known_hosts', ['/x/global'])).toEqual([
      '/home/u/.ssh/known_hosts',
      '/home/u/.ssh/known_hosts2',
      '/data/known_hosts',
      '/x/global',
    ]);
  });

  it('addKnownHost creates directory and file, appends on a new line, then the key is known', async () => {
    const file = path.join(dir, 'sub', 'dir', 'known_hosts');
    await addKnownHost(file, 'h', 2222, ED_A);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    await writeFile(file, (await readFile(file, 'utf8')).trimEnd()); // no trailing newline
    await addKnownHost(file, 'plain', 22, ED_B);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(
      `[h]:2222 ssh-ed25519 ${ED_A.toString('base64')}\nplain ssh-ed25519 ${ED_B.toString('base64')}\n`,
    );
    expect(await checkHostKey([file], 'h', 2222, ED_A)).toEqual({ status: 'known' });
    expect(await checkHostKey([file], 'plain', 22, ED_B)).toEqual({ status: 'known' });
  });
});
