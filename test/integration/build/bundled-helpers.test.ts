/**
 * The built app carries every remote helper program inside its bundles (esbuild's `.py` text
 * loader, scripts/build-main.mjs): each helper's marker is in the CLI (dist/periscope.js and the
 * chunks it loads, dist/cli/) and in dist/app/main.js. Runs on the build `npm test` makes first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const python = new URL('../../../src-main/remote/python/', import.meta.url);

/** A line or token of each helper that no other code has; found as is in the bundle's text. */
const markers: Record<string, string> = {
  'output_mux.py': 'periscope output mux: cannot write',
  'sitecustomize.py': '_PeriscopePydevdFinder',
  'free_stale_slot.py': '__periscope_stale_slot__',
  'pick_port.py': '__periscope_no_debugpy__',
  'wait_listening.py': 'deadline = time.time() + float(sys.argv[2])',
  'preflight_probe.py': '__periscope_preflight__',
  'index_files.py': '__periscope_files__ ',
  'snapshot_ring.py': '__periscope_snapshots__ ',
  'periscope_capture.py': 'def snapshot_point(point_id, limit=1, frame=None, when=None):',
  'capture_sitecustomize.py': 'if _os.environ.get("PERISCOPE_CAPTURE", "1") not in',
  'data_view.py': 'def _heatmap(value, kind, req):',
  'stdio_bridge.py': 'UP = "__periscope_bridge_up__"',
  'sudo_env.py': 'ignoring the environment it was sent under sudo',
  'debugpy_unpack.py': 'MARK = "__periscope_unpack__ "',
  'locate_debugpy.py': 'MARK = "__periscope_debugpy_at__ "',
};

/** Helpers no TypeScript imports yet, with the reason. */
const notYetBundled: Record<string, string> = {
  'inject_debugpy.py': 'the attach-by-PID injector of issue 10, not wired in yet',
};

describe('remote helpers in the built bundles', () => {
  it('every helper file has a marker here (or says why it is not bundled)', () => {
    const helpers = readdirSync(python).filter((name) => name.endsWith('.py'));
    expect(helpers.filter((name) => !(name in markers) && !(name in notYetBundled))).toEqual([]);
  });

  /** The text of a bundle: the CLI's with its chunks. */
  const bundleText = (bundle: string): string =>
    bundle === 'dist/app/main.js'
      ? readFileSync(bundle, 'utf8')
      : [
          readFileSync('dist/periscope.js', 'utf8'),
          ...readdirSync('dist/cli')
            .filter((name) => name.endsWith('.js'))
            .map((name) => readFileSync(join('dist/cli', name), 'utf8')),
        ].join('\n');

  it.each(['the CLI', 'dist/app/main.js'])('%s carries each helper', (bundle) => {
    const text = bundleText(bundle);
    for (const [helper, marker] of Object.entries(markers)) {
      expect(text.includes(marker), `${helper} (${marker})`).toBe(true);
      // Its source is there too, not only a name that matches.
      expect(readFileSync(new URL(helper, python), 'utf8')).toContain(marker);
    }
  });
});
