/**
 * Loopback host names and port numbers, as every part of Periscope spells them: the loopback
 * names its listeners bind without `--allow-remote` and accept in a `Host` header, the renderer's
 * test of whether a host is the laptop, and the parsing of a port number typed by a user.
 */

/** The names Periscope treats as this machine's loopback interface, spelled canonically. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

/** True when `host` is one of {@link LOOPBACK_HOSTS}, exactly (`[::1]` in brackets is a URL's). */
export function isLoopbackName(host: string): boolean {
  return LOOPBACK_HOSTS.includes(host);
}

/**
 * Whether `host` names this computer's loopback interface in any spelling: `localhost` (and
 * `*.localhost`, RFC 6761 §6.3), `127.0.0.0/8`, `::1`. Case-insensitive; brackets around IPv6
 * allowed.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === '::1' ||
    h === '0:0:0:0:0:0:0:1'
  );
}

/**
 * A TCP port number as typed (`"8001"`, read as `Number` reads it): an integer from 0 to 65535
 * (0 = any free port), or undefined when `text` is not one.
 */
export function parsePort(text: string): number | undefined {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}
