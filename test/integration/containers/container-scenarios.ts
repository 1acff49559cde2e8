/**
 * Checks that the Docker and the Podman tests make alike, so both engines are held to the same
 * behaviour in the same words: a launch inside a container from its breakpoint to its end.
 */
import { expect } from 'vitest';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import {
  childrenByName,
  localsRef,
  untilStoppedWithLocals,
  type DebuggerWorld,
} from '../debugger/debugger-kit.js';
import { INSIDE_LINE } from './container-programs.js';

/**
 * `world` launched {@link INSIDE} as `/app/app.py` in container `web` of `engine`, mapped to
 * `hostFile` on the machine, with a breakpoint on {@link INSIDE_LINE} of `hostFile`: the session
 * is named after the container, the breakpoint verifies by the machine path and stops with the
 * program's locals, a step shows the next line's, and after continue the program's own output
 * shows it ran inside (its pid 1 is the container's sleeper) and the notice names the engine's
 * `exec`. Ends with the session ended; `world` is left to the caller to dispose.
 */
export async function expectRunsInside(
  world: DebuggerWorld,
  hostFile: string,
  engine: ContainerTarget['kind'],
): Promise<void> {
  expect(world.session.target).toBe('/app/app.py in web');
  const stopped = await untilStoppedWithLocals(world, INSIDE_LINE);
  // The frame's file is the container's, shown by the machine path it maps to.
  expect(stopped.frames[0]?.source?.path).toMatch(/app\.py$/);
  expect(world.model.view.breakpoints.get(hostFile)?.[0]?.verified).toBe(true);
  expect(childrenByName(stopped, localsRef(stopped)).where?.value).toContain('time.sleep');

  await world.model.resume('next');
  const stepped = await untilStoppedWithLocals(world, INSIDE_LINE + 1);
  expect(childrenByName(stepped, localsRef(stepped)).total?.value).toBe('40');

  await world.model.resume('continue');
  await world.until((v) => v.state === 'ended', 30_000);
  const sessionId = world.session.id;
  await expect
    .poll(() => world.client.output(sessionId), { timeout: 10_000 })
    .toContain('total 42');
  const output = world.client.output(sessionId);
  // pid 1 of the program's world is the container's own sleeper: it ran inside.
  expect(output).toMatch(
    /in the container; pid 1 is \/usr\/bin\/python3 -c import time.* total 42/,
  );
  expect(output).toContain(
    `(${engine}) on 127.0.0.1; the debugger is reached through \`${engine} exec\``,
  );
}
