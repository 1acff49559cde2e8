/**
 * Svelte attachment (`{@attach observeHeight(fn)}`): calls `fn` with the element's
 * `offsetHeight` (px) when it is first laid out and on every change of its size, from a
 * ResizeObserver — after layout, before paint. Unlike `bind:offsetHeight`, it never reads the
 * height while the page is being built (each such read forces a layout: ~20 ms for the sidebar's
 * sections at start, measured with bench/profile/start-profile.ts).
 */
export function observeHeight(fn: (px: number) => void): (element: HTMLElement) => () => void {
  return (element) => {
    const observer = new ResizeObserver(() => fn(element.offsetHeight));
    observer.observe(element);
    return () => observer.disconnect();
  };
}
