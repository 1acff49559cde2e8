/**
 * Import hosts from an OpenSSH client config (`~/.ssh/config`, ssh_config(5)) as profile drafts.
 *
 * Parsing and the per-host evaluation are the `ssh-config` package's (`SSHConfig.parse`,
 * `compute`): keywords case-insensitive, `Keyword value` or `Keyword=value`, the FIRST value of a
 * keyword wins (`IdentityFile` accumulates), `Host` patterns with `*`, `?` and `!negation`, and
 * `Match host/user/all/final` blocks. Periscope adds what the package leaves out: `%h` (and `%d`,
 * `%u`, `%r`, `%%`) in `HostName`/`IdentityFile`, `~` expansion, and resolving each `ProxyJump` hop
 * through the same config. Imported: `Host` aliases without wildcards, `HostName`, `User`, `Port`,
 * `IdentityFile` (first one; none = the agent), `ProxyJump`.
 *
 * Never run, only reported as warnings (the user's consent would be needed, and Periscope has no
 * way to run them): `Match exec` (evaluated as not matching — `compute(…, { matchExec: false })`),
 * `ProxyCommand`, `LocalCommand`, `KnownHostsCommand`; `CanonicalizeHostName` is removed before
 * evaluation because the package would run `nslookup` for it; `Include` is not followed.
 */
import os from 'node:os';
import path from 'node:path';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import type { JumpHost, ProfileAuth, ProfileDraft } from '../protocol/profile.js';

/** The result of {@link importSshConfig}. */
export interface SshConfigImport {
  /** One draft per concrete `Host` alias, in file order. */
  profiles: ProfileDraft[];
  /** Things not imported or not run, and why, one sentence each (shown to the user). */
  warnings: string[];
}

/** Keywords whose value is a command; never run, and reported when they apply to a host. */
const COMMAND_KEYWORDS = ['proxycommand', 'localcommand', 'knownhostscommand'] as const;

/** A directive's value as one string (multi-word values joined by a space). */
function valueText(value: string | { val: string }[]): string {
  return typeof value === 'string' ? value : value.map((v) => v.val).join(' ');
}

function valueWords(value: string | { val: string }[]): string[] {
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value.map((v) => v.val);
}

/**
 * Removes directives the package would act on by running a program (`CanonicalizeHostName`:
 * `nslookup`), in place, at every level. @returns how many were removed.
 */
function dropRunningDirectives(lines: Line[]): number {
  let removed = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.type !== LineType.DIRECTIVE) continue;
    if (/^canonicalizehostname$/i.test(line.param)) {
      lines.splice(i, 1);
      removed++;
    } else if ('config' in line) removed += dropRunningDirectives(line.config);
  }
  return removed;
}

/** Expands `~` and `%d` (home), `%u` (local user), `%h` (host), `%r` (remote user), `%%`. */
function expandTokens(
  value: string,
  tokens: { host: string; user: string; home: string; localUser: string },
): string {
  const table: Record<string, string> = {
    '%': '%',
    d: tokens.home,
    h: tokens.host,
    r: tokens.user,
    u: tokens.localUser,
  };
  const expanded = value.replace(/%([%dhur])/g, (_m, token: string) => table[token]!);
  if (expanded === '~') return tokens.home;
  return expanded.startsWith('~/') ? path.join(tokens.home, expanded.slice(2)) : expanded;
}

interface Resolved {
  host: string;
  port: number;
  user: string;
  auth: ProfileAuth;
  proxyJump: string | undefined;
  computed: Record<string, string | string[]>;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function resolveHost(config: SSHConfig, alias: string, localUser: string, home: string): Resolved {
  const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
  const host = expandTokens(first(computed.hostname) ?? alias, {
    host: alias,
    user: '',
    home,
    localUser,
  });
  const user = first(computed.user) ?? localUser;
  const port = Number(first(computed.port) ?? 22);
  const identities = [computed.identityfile ?? []].flat();
  const identity = identities.find((file) => file.toLowerCase() !== 'none');
  const auth: ProfileAuth =
    identity !== undefined
      ? { kind: 'key', keyPath: expandTokens(identity, { host, user, home, localUser }) }
      : { kind: 'agent' };
  return {
    host,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
    user,
    auth,
    proxyJump: first(computed.proxyjump),
    computed,
  };
}

/** Parses one ProxyJump hop, `[user@]host[:port]` (or `ssh://[user@]host[:port]`). */
function parseHop(hop: string): { user?: string; host: string; port?: number } {
  const bare = hop.replace(/^ssh:\/\//, '');
  const at = bare.lastIndexOf('@');
  const user = at >= 0 ? bare.slice(0, at) : undefined;
  const rest = at >= 0 ? bare.slice(at + 1) : bare;
  const match = /^\[(.+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
  const host = match?.[1] ?? rest;
  const port = match?.[2] !== undefined ? Number(match[2]) : undefined;
  return { ...(user ? { user } : {}), host, ...(port ? { port } : {}) };
}

/** Warnings about the file as a whole: `Match exec` blocks and `Include` lines. */
function fileWarnings(config: SSHConfig): string[] {
  const warnings: string[] = [];
  for (const line of config) {
    if (line.type !== LineType.DIRECTIVE) continue;
    if ('criteria' in line && Object.keys(line.criteria).some((k) => k.toLowerCase() === 'exec')) {
      warnings.push(
        `"Match ${valueText(line.value)}" was not evaluated: it would run a command, which Periscope never does without your consent; its settings were not imported.`,
      );
    }
    const includes = [line, ...('config' in line ? line.config : [])].filter(
      (l) => l.type === LineType.DIRECTIVE && /^include$/i.test(l.param),
    );
    for (const include of includes) {
      if (include.type === LineType.DIRECTIVE)
        warnings.push(
          `"Include ${valueText(include.value)}" was not followed; import that file separately.`,
        );
    }
  }
  return warnings;
}

/**
 * Reads a client config's text into profile drafts.
 * @param options.home the home directory for `~` (default `os.homedir()`); `localUser` the
 *   default `User` (default this process's user).
 * @throws Error when the text cannot be parsed at all (the package's message).
 */
export function importSshConfig(
  text: string,
  options: { home?: string; localUser?: string } = {},
): SshConfigImport {
  const home = options.home ?? os.homedir();
  const localUser = options.localUser ?? os.userInfo().username;
  const config = SSHConfig.parse(text);
  const warnings = fileWarnings(config);
  if (dropRunningDirectives(config) > 0) {
    warnings.push('CanonicalizeHostName was ignored (it would make Periscope run DNS lookups).');
  }
  const aliases: string[] = [];
  for (const line of config) {
    if (line.type !== LineType.DIRECTIVE || !/^host$/i.test(line.param)) continue;
    for (const pattern of valueWords(line.value)) {
      if (/[*?!]/.test(pattern) || aliases.includes(pattern)) continue;
      aliases.push(pattern);
    }
  }
  const profiles: ProfileDraft[] = [];
  for (const alias of aliases) {
    const resolved = resolveHost(config, alias, localUser, home);
    for (const keyword of COMMAND_KEYWORDS) {
      if (resolved.computed[keyword] === undefined) continue;
      const name = {
        proxycommand: 'ProxyCommand',
        localcommand: 'LocalCommand',
        knownhostscommand: 'KnownHostsCommand',
      }[keyword];
      warnings.push(
        keyword === 'proxycommand' && resolved.proxyJump === undefined
          ? `${alias}: ProxyCommand needs your consent to run and Periscope never runs it; it was not imported — use ProxyJump or add jump hosts by hand.`
          : `${alias}: ${name} was not imported (Periscope never runs commands from ssh config).`,
      );
    }
    const jumpHosts: JumpHost[] = [];
    if (resolved.proxyJump !== undefined && resolved.proxyJump.toLowerCase() !== 'none') {
      for (const hop of resolved.proxyJump.split(',')) {
        const parsed = parseHop(hop.trim());
        const viaConfig = resolveHost(config, parsed.host, localUser, home);
        jumpHosts.push({
          kind: 'address',
          host: viaConfig.host,
          port: parsed.port ?? viaConfig.port,
          user: parsed.user ?? viaConfig.user,
          auth: viaConfig.auth,
        });
      }
    }
    profiles.push({
      name: alias,
      host: resolved.host,
      port: resolved.port,
      user: resolved.user,
      auth: resolved.auth,
      python: 'python3',
      cwd: '',
      pathMappings: [],
      justMyCode: true,
      jumpHosts,
      env: [],
      logFiles: [],
    });
  }
  return { profiles, warnings };
}
