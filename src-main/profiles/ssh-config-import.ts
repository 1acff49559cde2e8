/**
 * Import hosts from an OpenSSH client config (`~/.ssh/config`, ssh_config(5)) as profile drafts.
 *
 * Parsing and the per-host evaluation are the `ssh-config` package's (`SSHConfig.parse`,
 * `compute`): keywords case-insensitive, `Keyword value` or `Keyword=value`, the FIRST value of a
 * keyword wins (`IdentityFile` accumulates), `Host` patterns with `*`, `?` and `!negation`, and
 * `Match host/user/all/final` blocks. Periscope adds what the package leaves out: `%h` (and `%d`,
 * `%u`, `%r`, `%%`) in `HostName`/`IdentityFile`, `~` expansion, and resolving each `ProxyJump` hop
 * through the same config — including the first hop's own `ProxyJump`, recursively, as ssh(1)
 * does (see {@link jumpChain}). Imported: `Host` aliases without wildcards, `HostName`, `User`,
 * `Port`, `IdentityFile` (first one; none = the agent), `ProxyJump`.
 *
 * A relative `IdentityFile` (neither `/…` nor `~/…` after the tokens): ssh_config(5) promises only
 * tilde and token expansion, and ssh(1) opens such a path relative to the directory it is run
 * from (`tilde_expand_filename`, then `open`; only `Include` assumes `~/.ssh`). Periscope has no
 * such directory, so it takes the home directory — where a terminal's `ssh` usually starts — and
 * says so in a warning.
 *
 * Never run, only reported as warnings (the user's consent would be needed, and Periscope has no
 * way to run them): `Match exec` (evaluated as not matching — `compute(…, { matchExec: false })`),
 * `ProxyCommand`, `LocalCommand`, `KnownHostsCommand`; `CanonicalizeHostName` is removed before
 * evaluation because the package would run `nslookup` for it; `Include` is not followed.
 */
import os from 'node:os';
import path from 'node:path';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import type { JumpHost, ProfileAuth, ProfileDraft } from '../../src-common/protocol/profile.js';
import { MAX_JUMP_HOSTS } from './profile-schema.js';

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

/** What every lookup needs: the parsed config, `~`, the local user, and where warnings go. */
interface Context {
  config: SSHConfig;
  home: string;
  localUser: string;
  warnings: string[];
}

/**
 * A key path as ssh(1) would open it, made absolute: tokens and `~` expanded; a relative path is
 * taken from the home directory, with a warning (see the file comment). `~otheruser/…` is kept
 * as written, with a warning.
 */
function identityPath(
  file: string,
  tokens: { host: string; user: string; home: string; localUser: string },
  alias: string,
  warnings: string[],
): string {
  const expanded = expandTokens(file, tokens);
  if (path.isAbsolute(expanded)) return expanded;
  if (expanded.startsWith('~')) {
    warnings.push(
      `${alias}: IdentityFile "${file}" names another user's home; it was kept as written — check the key path.`,
    );
    return expanded;
  }
  const taken = path.join(tokens.home, expanded);
  warnings.push(
    `${alias}: IdentityFile "${file}" is relative, which ssh opens from the directory it runs in; Periscope took ${taken} — check the key path.`,
  );
  return taken;
}

/**
 * What the config says for `alias` (`ssh alias`). `userOverride`: a `user@` given with the
 * name (a ProxyJump hop's, ssh(1) `-l`), which `%r` then means.
 */
function resolveHost(ctx: Context, alias: string, userOverride?: string): Resolved {
  const { config, home, localUser } = ctx;
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
  const tokens = { host, user: userOverride ?? user, home, localUser };
  const auth: ProfileAuth =
    identity !== undefined
      ? { kind: 'key', keyPath: identityPath(identity, tokens, alias, ctx.warnings) }
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

/** A ProxyJump chain that comes back to a host already on it: ssh(1) would never connect. */
class JumpLoopError extends Error {
  constructor(readonly trail: string[]) {
    super(`ProxyJump loops (${trail.join(' → ')})`);
  }
}

/**
 * The jump hosts, first hop first, that ssh(1) goes through to reach a host whose ProxyJump is
 * `proxyJump` (`none` or absent: none). ssh(1) turns `ProxyJump h1,…,hn` into the command
 * `ssh -J h1,…,h(n-1) hn -W %h:%p`: h2…hn get their hops from that `-J`, which (command line
 * first) overrides their own ProxyJump in the config, while h1 is reached by a plain `ssh h1` —
 * so h1's own ProxyJump applies, recursively, and comes before h1. Each hop's `user@` and `:port`
 * override the config's (`-l`, `-p`).
 * @param trail the host names already on the way here, the target's first; compared as written,
 *   as ssh(1) matches `Host` patterns (`ssh -G A` does not take `Host a`'s settings).
 * @throws JumpLoopError when a first hop is already on `trail`.
 */
function jumpChain(ctx: Context, proxyJump: string | undefined, trail: string[]): JumpHost[] {
  if (proxyJump === undefined || proxyJump.toLowerCase() === 'none') return [];
  const hops = proxyJump.split(',').map((hop) => parseHop(hop.trim()));
  const resolved = hops.map((hop) => resolveHost(ctx, hop.host, hop.user));
  const firstHop = hops[0]!;
  const name = firstHop.host;
  if (trail.includes(name)) throw new JumpLoopError([...trail, name]);
  const before = jumpChain(ctx, resolved[0]!.proxyJump, [...trail, name]);
  if (resolved[0]!.proxyJump === undefined && resolved[0]!.computed.proxycommand !== undefined) {
    ctx.warnings.push(
      `${trail[0]}: jump host ${firstHop.host} has a ProxyCommand, which Periscope never runs; it is reached directly.`,
    );
  }
  return [
    ...before,
    ...hops.map((hop, i): JumpHost => {
      const viaConfig = resolved[i]!;
      return {
        kind: 'address',
        host: viaConfig.host,
        port: hop.port ?? viaConfig.port,
        user: hop.user ?? viaConfig.user,
        auth: viaConfig.auth,
      };
    }),
  ];
}

/**
 * The jump hosts of `alias` ({@link jumpChain}); none, with a warning, when the chain loops or
 * is longer than a profile takes ({@link MAX_JUMP_HOSTS}).
 */
function importJumpHosts(ctx: Context, alias: string, proxyJump: string | undefined): JumpHost[] {
  let chain: JumpHost[];
  try {
    chain = jumpChain(ctx, proxyJump, [alias]);
  } catch (error) {
    if (!(error instanceof JumpLoopError)) throw error;
    ctx.warnings.push(
      `${alias}: ${error.message}, so ssh could never connect; its jump hosts were not imported — fix the config or add them by hand.`,
    );
    return [];
  }
  if (chain.length > MAX_JUMP_HOSTS) {
    ctx.warnings.push(
      `${alias}: its ProxyJump chain has ${chain.length} hops and a profile takes at most ${MAX_JUMP_HOSTS}; its jump hosts were not imported.`,
    );
    return [];
  }
  return chain;
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
  const ctx: Context = { config, home, localUser, warnings };
  const profiles: ProfileDraft[] = [];
  for (const alias of aliases) {
    const resolved = resolveHost(ctx, alias);
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
    const jumpHosts = importJumpHosts(ctx, alias, resolved.proxyJump);
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
  // A hop shared by several hosts would repeat its warnings.
  return { profiles, warnings: [...new Set(warnings)] };
}
