/**
 * Characterisation of the remote helper programs while they move from TypeScript strings into
 * src-main/remote/python/*.py: `before/` holds each program exactly as the string the app sent
 * (interpolations resolved), and each test proves what the app sends now is the same program.
 */
import { describe, expect, it } from 'vitest';
import { NODELAY_SITECUSTOMIZE } from '../../../../../src-main/remote/launch/nodelay-sitecustomize.js';
import { ORDERED_OUTPUT_HOOK } from '../../../../../src-main/remote/launch/ordered-output-hook.js';
import { OUTPUT_MUX } from '../../../../../src-main/remote/launch/output-mux.js';
import { PICK_PORT, WAIT_LISTENING } from '../../../../../src-main/remote/launch/remote-launch.js';
import { PROBE } from '../../../../../src-main/remote/probes/preflight.js';
import { FREE_STALE_SLOT } from '../../../../../src-main/remote/probes/stale-slot.js';

describe('remote helper programs, as sent before the extraction', () => {
  it.each([
    ['output_mux.py', OUTPUT_MUX],
    ['sitecustomize.py', NODELAY_SITECUSTOMIZE + ORDERED_OUTPUT_HOOK],
    ['free_stale_slot.py', FREE_STALE_SLOT],
    ['pick_port.py', PICK_PORT],
    ['wait_listening.py', WAIT_LISTENING],
    ['preflight_probe.py', PROBE],
  ])('%s', async (name, source) => {
    await expect(source).toMatchFileSnapshot(`./before/${name}`);
  });
});
