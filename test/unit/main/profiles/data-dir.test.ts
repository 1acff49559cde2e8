import { describe, expect, it } from 'vitest';
import { webDataDir } from '../../../../src-main/profiles/data-dir.js';

describe('webDataDir', () => {
  it('uses $XDG_CONFIG_HOME/periscope when absolute', () => {
    expect(webDataDir({ XDG_CONFIG_HOME: '/x/config', HOME: '/home/me' })).toBe(
      '/x/config/periscope',
    );
  });

  it('falls back to ~/.config/periscope when unset, empty or relative', () => {
    expect(webDataDir({ HOME: '/home/me' })).toBe('/home/me/.config/periscope');
    expect(webDataDir({ XDG_CONFIG_HOME: '', HOME: '/home/me' })).toBe(
      '/home/me/.config/periscope',
    );
    expect(webDataDir({ XDG_CONFIG_HOME: 'rel/dir', HOME: '/home/me' })).toBe(
      '/home/me/.config/periscope',
    );
  });
});
