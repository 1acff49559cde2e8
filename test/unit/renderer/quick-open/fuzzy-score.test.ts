import { describe, expect, it } from 'vitest';
import { fuzzyMatch, rankPaths } from '../../../../src-renderer/quick-open/fuzzy-score.js';

describe('quick open fuzzy match', () => {
  it('needs the characters in order, case-insensitive, spaces ignored', () => {
    expect(fuzzyMatch('vw', 'app/views.py')).not.toBeNull();
    expect(fuzzyMatch('VIEWS', 'app/views.py')).not.toBeNull();
    expect(fuzzyMatch('app views', 'app/views.py')).not.toBeNull();
    expect(fuzzyMatch('wv', 'app/views.py')).toBeNull();
  });

  it('ranks a file-name match above the same letters spread over directories', () => {
    const ranked = rankPaths(
      'views',
      [
        'vendor/internal/extra/wsgi.py',
        'views/app/x.py',
        'app/views.py',
        'app/admin/views_test.py',
      ],
      10,
    ).map((r) => r.path);
    expect(ranked[0]).toBe('app/views.py');
  });

  it('prefers word starts: "mv" finds models/views before something with m and v inside words', () => {
    const ranked = rankPaths('mv', ['core/summary/overview.py', 'models/views.py'], 10);
    expect(ranked[0]?.path).toBe('models/views.py');
  });

  it('gives the positions of the matched characters', () => {
    const match = fuzzyMatch('vpy', 'app/views.py');
    expect(match?.positions).toHaveLength(3);
    const chars = match?.positions.map((i) => 'app/views.py'[i]).join('');
    expect(chars).toBe('vpy');
  });

  it('ranks 20,000 paths quickly enough to type into', () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `pkg${i % 200}/sub/mod_${i}.py`);
    const started = performance.now();
    const ranked = rankPaths('pkg17mod42', paths, 50);
    const ms = performance.now() - started;
    expect(ranked[0]?.path).toMatch(/^pkg17\/sub\/mod_42\d*\.py$/);
    // Generous: a keystroke on a loaded 2-core machine; measured ~15 ms here.
    expect(ms).toBeLessThan(500);
  });
});
