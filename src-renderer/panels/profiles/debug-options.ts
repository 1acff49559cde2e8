/**
 * The profile form's text for launch.json's `pythonArgs`: interpreter flags typed on one line,
 * as on a command line without a shell (`-X dev -O`), each whitespace-separated word one argv
 * entry. A flag with a space in it is written in launch.json instead.
 */

/** The flags of `text`, one argv entry per whitespace-separated word. */
export function splitPythonArgs(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== '');
}
