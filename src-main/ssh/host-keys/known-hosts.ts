/**
 * known_hosts files as OpenSSH reads and writes them (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
 * `[marker] hostpatterns keytype base64-key [comment]`, one entry a line.
 */
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { hostFieldMatches, isHashedHostField, knownHostsName } from './host-pattern.js';
import { fingerprintSha256, keyTypeOf } from './key-blob.js';

export { fingerprintSha256, keyTypeOf } from './key-blob.js';
export { knownHostsName } from './host-pattern.js';

/** One parsed known_hosts line. */
export interface KnownHostsEntry {
  /** The file it came from (empty when parsed from a string). */
  file: string;
  /** 1-based line number. */
  line: number;
  /** `@revoked`: the key must never be accepted; `@cert-authority`: a CA key (not a host key). */
  marker: 'none' | 'revoked' | 'cert-authority';
  /** The host field: comma-separated patterns or one hashed name `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  keyBlob: Buffer;
}

/** A key recorded for a host, as ssh(1) names it: type, fingerprint, and where it is written. */
export interface RecordedHostKey {
  /** e.g. `ssh-rsa`. */
  keyType: string;
  /** OpenSSH form, `SHA256:<base64 without padding>`. */
  fingerprint: string;
  /** The known_hosts file holding it (empty when parsed from a string). */
  file: string;
  /** 1-based line number in `file`. */
  line: number;
}

/** The outcome of checking a server's host key against known_hosts files. */
export type HostKeyVerdict =
  /** An entry for this host has exactly this key. */
  | { status: 'known' }
  /** No ordinary (non-`@revoked`, non-CA) entry for this host: a first visit, OpenSSH asks. */
  | { status: 'unknown' }
  /**
   * No entry for this host has a key of this type, but keys of OTHER types are recorded for it:
   * OpenSSH still asks, warning "keys of different type are already known for this host" (a
   * server that changed, or a man-in-the-middle presenting a type we hold no record of).
   * `knownKeys`: the first entry of each recorded type, in file order.
   */
  | { status: 'other-types-known'; knownKeys: RecordedHostKey[] }
  /** An entry for this host has a different key of the same type: refuse (possible MITM). */
  | { status: 'changed'; file: string; line: number; knownKeyType: string }
  /** A `@revoked` entry matching this host lists this key: refuse. */
  | { status: 'revoked'; file: string; line: number };

/** The result of parsing one file: its entries and the line numbers it skipped as malformed. */
export interface ParsedKnownHosts {
  entries: KnownHostsEntry[];
  malformedLines: number[];
}

/**
 * Parses known_hosts text. Comments (`#`) and blank lines are skipped; malformed lines (missing
 * fields, bad base64, a key blob whose type differs from the key type field, unknown marker) are
 * reported in `malformedLines` and otherwise ignored, as OpenSSH does. Never throws.
 */
export function parseKnownHosts(text: string, file = ''): ParsedKnownHosts {
  const entries: KnownHostsEntry[] = [];
  const malformedLines: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const lineText = rawLine.trim();
    if (lineText === '' || lineText.startsWith('#')) return;
    const entry = parseLine(lineText, file, index + 1);
    if (entry === undefined) malformedLines.push(index + 1);
    else entries.push(entry);
  });
  return { entries, malformedLines };
}

function parseLine(lineText: string, file: string, line: number): KnownHostsEntry | undefined {
  const fields = lineText.split(/\s+/);
  let marker: KnownHostsEntry['marker'] = 'none';
  if (fields[0]?.startsWith('@')) {
    const markerField = fields.shift();
    if (markerField === '@revoked') marker = 'revoked';
    else if (markerField === '@cert-authority') marker = 'cert-authority';
    else return undefined;
  }
  const [hosts, keyType, base64] = fields;
  if (hosts === undefined || keyType === undefined || base64 === undefined) return undefined;
  if (hosts.startsWith('|') && !isHashedHostField(hosts)) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const keyBlob = Buffer.from(base64, 'base64');
  try {
    if (keyTypeOf(keyBlob) !== keyType) return undefined;
  } catch {
    return undefined;
  }
  return { file, line, marker, hosts, keyType, keyBlob };
}

/**
 * Reads and parses known_hosts files in order. Missing files are skipped.
 * @throws Error if a file exists but cannot be read (so a changed key is never mistaken for new).
 */
export async function loadKnownHosts(files: readonly string[]): Promise<KnownHostsEntry[]> {
  const all: KnownHostsEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw new Error(`could not read known_hosts file ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    all.push(...parseKnownHosts(text, file).entries);
  }
  return all;
}

/** OpenSSH's default `GlobalKnownHostsFile`: the system-wide files, read but never written. */
export const GLOBAL_KNOWN_HOSTS_FILES: readonly string[] = [
  '/etc/ssh/ssh_known_hosts',
  '/etc/ssh/ssh_known_hosts2',
];

/**
 * The known_hosts files read by default, in OpenSSH's order: the user's (`UserKnownHostsFile`
 * default `~/.ssh/known_hosts ~/.ssh/known_hosts2`), then `trustedHostsFile` (Periscope's own,
 * the only one written to), then the system-wide `globalFiles` (default
 * {@link GLOBAL_KNOWN_HOSTS_FILES}; tests pass their own). Files that do not exist are listed
 * anyway: {@link loadKnownHosts} skips them, so one created later is read without a restart.
 */
export function defaultKnownHostsFiles(
  home: string,
  trustedHostsFile: string,
  globalFiles: readonly string[] = GLOBAL_KNOWN_HOSTS_FILES,
): string[] {
  const user = [path.join(home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts2')];
  return [...new Set([...user, trustedHostsFile, ...globalFiles])];
}

/** The entries whose host field matches `host` on `port` (all markers). */
export function entriesForHost(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
): KnownHostsEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((entry) => hostFieldMatches(entry.hosts, name));
}

/**
 * Decides about `keyBlob` offered by `host:port`, as OpenSSH's `check_host_key` does: a matching
 * `@revoked` entry with this key → revoked; an ordinary entry with this key → known; an ordinary
 * entry with another key of the same type → changed (first such line); ordinary entries of other
 * types only → other-types-known (OpenSSH's `show_other_keys`); no ordinary entry → unknown.
 * `@cert-authority` entries are ignored (this client does not use host certificates).
 */
export function verdictFor(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
): HostKeyVerdict {
  const forHost = entriesForHost(entries, host, port);
  const revoked = forHost.find(
    (entry) => entry.marker === 'revoked' && entry.keyBlob.equals(keyBlob),
  );
  if (revoked) return { status: 'revoked', file: revoked.file, line: revoked.line };
  const plain = forHost.filter((entry) => entry.marker === 'none');
  if (plain.some((entry) => entry.keyBlob.equals(keyBlob))) return { status: 'known' };
  const keyType = keyTypeOf(keyBlob);
  const changed = plain.find((entry) => entry.keyType === keyType);
  if (changed)
    return {
      status: 'changed',
      file: changed.file,
      line: changed.line,
      knownKeyType: changed.keyType,
    };
  if (plain.length === 0) return { status: 'unknown' };
  const firstOfEachType = plain.filter(
    (entry, index) => plain.findIndex((other) => other.keyType === entry.keyType) === index,
  );
  return {
    status: 'other-types-known',
    knownKeys: firstOfEachType.map((entry) => ({
      keyType: entry.keyType,
      fingerprint: fingerprintSha256(entry.keyBlob),
      file: entry.file,
      line: entry.line,
    })),
  };
}

/**
 * Checks a server's host key against known_hosts `files` (missing files are fine).
 * @see verdictFor for the rules.
 * @throws Error if a file exists but cannot be read, or `keyBlob` is not a key blob.
 */
export async function checkHostKey(
  files: readonly string[],
  host: string,
  port: number,
  keyBlob: Buffer,
): Promise<HostKeyVerdict> {
  return verdictFor(await loadKnownHosts(files), host, port, keyBlob);
}

/** The key types recorded (non-revoked, non-CA) for `host:port`, in file order, without repeats. */
export function knownKeyTypes(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
): string[] {
  const types = entriesForHost(entries, host, port)
    .filter((entry) => entry.marker === 'none')
    .map((entry) => entry.keyType);
  return [...new Set(types)];
}

/**
 * Appends `<name> <keytype> <base64>` to `file` (name as {@link knownHostsName}: `[host]:port`
 * when port ≠ 22). Creates the directory (0700) and the file (0600) when missing, and starts on a
 * new line if the file does not end with one.
 * @throws Error on file system errors or if `keyBlob` is not a key blob.
 */
export async function addKnownHost(
  file: string,
  host: string,
  port: number,
  keyBlob: Buffer,
): Promise<void> {
  const line = `${knownHostsName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const info = await stat(file);
    if (info.size > 0) {
      const text = await readFile(file);
      if (text[text.length - 1] !== 0x0a) prefix = '\n';
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await appendFile(file, prefix + line, { mode: 0o600 });
}
