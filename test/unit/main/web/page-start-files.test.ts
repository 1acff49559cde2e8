import { describe, expect, it } from 'vitest';
import { pageStartFiles, PageStartWatch } from '../../../../src-main/web/page-start-files.js';

/** index.html as Vite writes it for the renderer. */
const VITE_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <link rel="icon" href="data:," />
    <link rel="icon" href="./favicon.png" />
    <title>Periscope</title>
    <script type="module" crossorigin src="./assets/index-DBLHjnjQ.js"></script>
    <link rel="modulepreload" crossorigin href="./assets/vendor-abc.js">
    <link rel="stylesheet" crossorigin href="./assets/index-YCUhEAo2.css">
    <link rel="stylesheet" href="https://cdn.example/x.css">
    <script src="//cdn.example/y.js"></script>
  </head>
  <body><div id="app"></div></body>
</html>`;

describe('pageStartFiles', () => {
  it('names the scripts, preloads and style sheets of our own folder, without icons or other sites', () => {
    expect(pageStartFiles(VITE_PAGE)).toEqual([
      'assets/index-DBLHjnjQ.js',
      'assets/vendor-abc.js',
      'assets/index-YCUhEAo2.css',
    ]);
  });

  it('names nothing for a page without files', () => {
    expect(pageStartFiles('<!doctype html><title>Periscope</title>')).toEqual([]);
  });
});

describe('PageStartWatch', () => {
  it('tells once the page and then each of its start files were served', () => {
    const told: string[] = [];
    const watch = new PageStartWatch(() => told.push('started'));
    watch.fileServed('assets/index-DBLHjnjQ.js'); // before the page: not counted
    watch.pageServed(VITE_PAGE);
    watch.fileServed('assets/index-DBLHjnjQ.js');
    watch.fileServed('assets/other.js');
    watch.fileServed('assets/vendor-abc.js');
    expect(told).toEqual([]);
    watch.fileServed('assets/index-YCUhEAo2.css');
    expect(told).toEqual(['started']);
    watch.fileServed('assets/index-YCUhEAo2.css');
    expect(told).toEqual(['started']);
  });

  it('tells at once for a page without start files, and again at each load of the page', () => {
    const told: string[] = [];
    const watch = new PageStartWatch(() => told.push('started'));
    watch.pageServed('<!doctype html><title>Periscope</title>');
    expect(told).toEqual(['started']);
    watch.pageServed(VITE_PAGE);
    for (const file of pageStartFiles(VITE_PAGE)) watch.fileServed(file);
    expect(told).toEqual(['started', 'started']);
  });
});
