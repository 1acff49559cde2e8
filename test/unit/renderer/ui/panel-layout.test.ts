import { describe, expect, it } from 'vitest';
import {
  LAYOUT_STORAGE_KEY,
  loadLayout,
  parseLayout,
  saveLayout,
} from '../../../../src-renderer/ui/panel-layout.js';

describe('panel layout storage', () => {
  it('keeps well-formed sizes and collapsed panels, drops the rest', () => {
    const layout = parseLayout(
      JSON.stringify({
        sizes: { 'panel.variables': 300.4, bad: 'x', huge: 1e9, tiny: 1 },
        collapsed: ['watch', 3, 'watch'],
      }),
    );
    expect(layout).toEqual({
      sizes: { 'panel.variables': 300, huge: 10_000, tiny: 24 },
      collapsed: ['watch'],
    });
  });

  it('reads garbage and failing storage as the default layout', () => {
    expect(parseLayout('{not json')).toEqual({ sizes: {}, collapsed: [] });
    expect(parseLayout('[1,2]')).toEqual({ sizes: {}, collapsed: [] });
    const failing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(loadLayout(failing)).toEqual({ sizes: {}, collapsed: [] });
    expect(() => saveLayout(failing, { sizes: {}, collapsed: [] })).not.toThrow();
  });

  it('round-trips through storage', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    saveLayout(storage, { sizes: { console: 200 }, collapsed: ['tunnels'] });
    expect(store.has(LAYOUT_STORAGE_KEY)).toBe(true);
    expect(loadLayout(storage)).toEqual({ sizes: { console: 200 }, collapsed: ['tunnels'] });
  });
});
