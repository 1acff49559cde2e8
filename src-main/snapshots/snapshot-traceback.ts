/**
 * A snapshot's exception chain as Python prints it ("Traceback (most recent call last): …"),
 * with each line's source text from the snapshot: what the console of a snapshot session shows.
 */
import type { SnapshotDocument, SnapshotException } from './snapshot-document.js';

/** The traceback text of the snapshot's exception chain, outermost cause first. */
export function formatTraceback(doc: SnapshotDocument): string {
  if (doc.exception === undefined) return '';
  const parts: string[] = [];
  const seen = new Set<number>();
  const print = (index: number): void => {
    if (seen.has(index)) return;
    seen.add(index);
    const exception = doc.exceptions[index]!;
    if (typeof exception.cause === 'number') {
      print(exception.cause);
      parts.push('\nThe above exception was the direct cause of the following exception:\n\n');
    } else if (typeof exception.context === 'number' && !exception.suppressContext) {
      print(exception.context);
      parts.push('\nDuring handling of the above exception, another exception occurred:\n\n');
    }
    parts.push(block(doc, exception));
  };
  print(doc.exception);
  return parts.join('');
}

function block(doc: SnapshotDocument, exception: SnapshotException): string {
  const lines = ['Traceback (most recent call last):\n'];
  for (const id of exception.frames.slice().reverse()) {
    const frame = doc.frames[id - 1]!;
    lines.push(`  File "${frame.file}", line ${frame.line}, in ${frame.name}\n`);
    const text = doc.sources[frame.file]?.text?.split('\n')[frame.line - 1]?.trim();
    if (text) lines.push(`    ${text}\n`);
  }
  lines.push(`${exception.type}${exception.message ? `: ${exception.message}` : ''}\n`);
  for (const note of exception.notes) lines.push(`${note}\n`);
  for (const member of exception.group ?? []) {
    const inner = doc.exceptions[member];
    if (inner) lines.push(`  | ${inner.type}: ${inner.message}\n`);
  }
  return lines.join('');
}
