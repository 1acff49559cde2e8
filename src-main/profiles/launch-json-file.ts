/**
 * Writing a project's `.vscode/launch.json` the way the profile store writes its file: all or
 * nothing, and durable.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * Replaces `file` (a `<project>/.vscode/launch.json`) with `text`, creating its folder when
 * missing. `write-file-atomic`: a temp file next to it, `fsync`, then `rename`, so a crash or a
 * full disk leaves the old file or the new one, never half of one; an existing file keeps its
 * mode and owner, and a symlinked launch.json is replaced at its target (the link stays).
 * @throws the file system error (`EACCES`, `ENOSPC`, …); the old file is then left as it was and
 *   the temp file removed.
 */
export async function writeLaunchJsonFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text, { encoding: 'utf8', fsync: true });
}
