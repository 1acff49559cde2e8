/**
 * Measuring a web-mode start: the URL the server prints, and when the first screen is ready, on
 * the page's own clock: the profiles panel has the relay's answer (its empty state's "Create
 * profile" button, with an empty data directory) and that frame has been painted. Stamped in the
 * page, so the harness's own polling (Playwright's injected script, CDP round trips: 50–150 ms on
 * a loaded 2-core machine) is not counted.
 */
import type { ChildProcessWithoutNullStreams, ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Init script (`page.addInitScript`): watches the DOM from the first byte and resolves
 * `window.__profilesReady` with `performance.now()` (ms from the app page's navigation start)
 * after the frame that shows "Create profile" has painted (the next animation frame, then a
 * message-channel task: after the frame's paint).
 */
export const PROFILES_READY_HOOK = `(() => {
  window.__profilesReady = new Promise((resolve) => {
    const ready = () =>
      [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Create profile');
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      observer.disconnect();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      });
    });
    observer.observe(document, { subtree: true, childList: true });
  });
})();`;

/** Reads the stamp of {@link PROFILES_READY_HOOK} (awaits it), in ms on the page's clock. */
export const READ_PROFILES_READY = 'window.__profilesReady';

/**
 * The URL `periscope web` prints on stdout ("Periscope web UI: URL").
 * @throws {Error} (rejects) when the process exits first.
 */
export function webUiUrl(
  child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, null | Readable>,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Periscope web UI: (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error('periscope web exited')));
  });
}
