/**
 * The files the app page (`index.html`) loads as it starts (its module scripts, style sheets and
 * preloads, as Vite writes them: `src="./assets/…"`, `href="./assets/…"`), and a watch that tells
 * when all of them have been served after the page itself: the browser is then running the
 * page's scripts, and its WebSocket comes next. Web mode loads its backend at that moment, so
 * that loading it neither delays these files nor waits for the page (`src-main/cli/main.ts`).
 */

/**
 * The paths (relative to the static root, without `./`: `assets/index-abc.js`) of the scripts,
 * style sheets and preloads that `html` references in its own folder. Absolute URLs, `data:`
 * and the like are not files of ours and are left out.
 */
export function pageStartFiles(html: string): string[] {
  const files = new Set<string>();
  for (const tag of html.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    const ref = /\b(?:src|href)\s*=\s*"([^"]+)"/i.exec(tag[0])?.[1];
    if (!ref || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(ref)) continue;
    if (/\brel\s*=\s*"icon"/i.test(tag[0])) continue;
    files.add(ref.replace(/^\.?\//, ''));
  }
  return [...files];
}

/**
 * Calls `onStarted` each time the page and then every one of its start files have been served.
 * Several tabs loading at once share one count: `onStarted` may then come once for them all.
 */
export class PageStartWatch {
  private pending = new Set<string>();

  constructor(private readonly onStarted: () => void) {}

  /** The page was served with `html`. */
  pageServed(html: string): void {
    this.pending = new Set(pageStartFiles(html));
    if (this.pending.size === 0) this.onStarted();
  }

  /** A file was served (`path` relative to the static root, as {@link pageStartFiles} gives). */
  fileServed(path: string): void {
    if (this.pending.delete(path) && this.pending.size === 0) this.onStarted();
  }
}
