/**
 * Keeps the launch output file from filling the remote disk: the output mux (`output-mux.ts`)
 * appends the program's output to one file for the program's whole life, and `/tmp` is often a
 * RAM-backed tmpfs. Once the tail has read past {@link TRIM_STEP_BYTES} more, the part already
 * read is turned into a hole (util-linux `fallocate --punch-hole`, Linux `FALLOC_FL_PUNCH_HOLE`):
 * its disk space is freed while offsets stay as they were, so `tail -F` and a resume at the next
 * unread byte are not disturbed. Where the command or the file system cannot punch holes, it
 * stops trying after the first refusal and the file grows as before.
 */
import type { Logger } from '../../log/logger.js';
import type { ReconnectingSsh } from '../../ssh/connection/reconnecting-ssh.js';
import { shellQuote } from '../../ssh/exec/shell-quote.js';
import { errorMessage } from '../../../src-common/errors.js';

/** Bytes read between two trims (8 MiB). */
export const TRIM_STEP_BYTES = 8 * 1024 * 1024;

/** Hole boundaries are whole file-system blocks; 4 KiB is the common size (others round inside). */
const BLOCK = 4096;

/**
 * @returns a function to call with the tail's position (bytes of `path` read so far) as it
 *   grows; it trims in the background, one trim at a time. Never throws.
 */
export function outputTrimmer(
  link: ReconnectingSsh,
  path: string,
  logger: Logger,
  stepBytes = TRIM_STEP_BYTES,
  /** Where the file is (`LaunchOptions.place`); absent: the machine itself. */
  place: (command: string) => string = (command) => command,
): (position: number) => void {
  let trimmedTo = 0;
  let latest = 0;
  let busy = false;
  let unsupported = false;
  const trim = (): void => {
    const upTo = Math.floor(latest / BLOCK) * BLOCK;
    if (busy || unsupported || upTo - trimmedTo < stepBytes) return;
    const connection = link.current;
    if (!connection) return;
    busy = true;
    const command = `fallocate --punch-hole --offset 0 --length ${upTo} ${shellQuote(path)} 2>&1 && echo trimmed`;
    connection
      .run(place(command))
      .then(
        (result) => {
          if (result.stdout.includes('trimmed')) {
            trimmedTo = upTo;
            return;
          }
          unsupported = true;
          logger.info('cannot free the read part of the output file; it keeps growing', {
            path,
            why: result.stdout.trim().slice(0, 200),
          });
        },
        (error: unknown) =>
          logger.debug('output file trim failed; will try again', { error: errorMessage(error) }),
      )
      .finally(() => {
        busy = false;
        // The reader may have gone far meanwhile and then gone quiet (a burst, then a pause).
        trim();
      });
  };
  return (position) => {
    latest = position;
    trim();
  };
}
