/**
 * Reads a file inside a container: sources that exist only there (not on a bind mount) are
 * read with the container's own interpreter over `docker exec`, as SFTP reads the machine's.
 */
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';
import type { ContainerPlace } from './container-place.js';

/** Exit statuses of the reader script. */
const NOT_FOUND = 66;
const NOT_FILE = 67;

/** Writes up to argv[2] + 1 bytes of regular file argv[1] to stdout; 66 missing, 67 not a file. */
const READER = [
  'import os, sys',
  'p = sys.argv[1]',
  'if not os.path.exists(p): sys.exit(66)',
  'if not os.path.isfile(p): sys.exit(67)',
  'with open(p, "rb") as f: sys.stdout.buffer.write(f.read(int(sys.argv[2]) + 1))',
].join('\n');

/**
 * Reads `path` (absolute, inside the container) through `place`, at most `maxBytes`.
 * @throws SshError `file-not-found` (no such file, not a regular file), `file-too-big`,
 *   `ssh-failed` (the command could not run).
 */
export async function readContainerFile(
  connection: SshConnection,
  place: ContainerPlace,
  path: string,
  maxBytes: number,
): Promise<Buffer> {
  const remote = await connection.exec(
    place.wrap(shellJoin([place.python, '-I', '-c', READER, path, String(maxBytes)])),
  );
  remote.stdin.end();
  // The container is not trusted to honour the reader's own cap: count here too, and stop
  // reading past it (the size error below names the limit).
  const chunks: Buffer[] = [];
  let size = 0;
  let stderr = '';
  remote.stdout.on('data', (chunk: Buffer) => {
    if (size > maxBytes) return;
    size += chunk.length;
    chunks.push(chunk);
    if (size > maxBytes) remote.close();
  });
  remote.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  const { code } = await remote.exit;
  if (size > maxBytes)
    throw new SshError(
      'file-too-big',
      `${path} in ${place.label} is larger than ${maxBytes} bytes, the most Periscope opens`,
    );
  if (code === NOT_FOUND || code === NOT_FILE)
    throw new SshError(
      'file-not-found',
      `${path} ${code === NOT_FOUND ? 'does not exist' : 'is not a regular file'} in ${place.label}`,
    );
  if (code !== 0)
    throw new SshError(
      'ssh-failed',
      `could not read ${path} in ${place.label}: ${stderr.trim().slice(-300) || `exit code ${code ?? 'none'}`}`,
    );
  const content = Buffer.concat(chunks);
  if (content.length > maxBytes)
    throw new SshError(
      'file-too-big',
      `${path} in ${place.label} is larger than ${maxBytes} bytes, the most Periscope opens`,
    );
  return content;
}
