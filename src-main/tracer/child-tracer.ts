/**
 * The tracer side of a followed child process (`child-processes.ts`), made from the tracer of
 * its program's root: a DAP connection of its own through the root's SSH link
 * (`StartedTracer.openChild`, `child-link.ts`), re-attached after a drop as the root is.
 */
import type { ChildAnnouncement } from '../relay/child-announcement.js';
import type { TracerLink } from '../relay/tracer-link.js';
import type { StartedTracer } from './launch-tracer.js';

/**
 * The tracer side of a followed child of `root`'s program: a DAP connection of its own (through
 * `root`'s SSH link, `StartedTracer.openChild`) that re-attaches after a drop as the root does.
 * Disposing it closes only that connection: the child is ended by its adapter or its parent.
 * @throws when `root` cannot reach children, or nothing answers.
 */
export async function childTracer(
  root: StartedTracer,
  child: ChildAnnouncement,
): Promise<StartedTracer> {
  if (!root.openChild) throw new Error('this tracer cannot reach child processes');
  let connection = await root.openChild(child.connect);
  const link: TracerLink = {
    get connection() {
      return connection;
    },
    reconnecting: () => root.link.reconnecting?.() ?? false,
    dispose: () => {
      connection.close('session closed');
      return Promise.resolve();
    },
    release: () => connection.close('detached'),
  };
  return {
    link,
    onOutput: () => undefined,
    readFile: root.readFile,
    ...(root.onLinkStatus && { onLinkStatus: (listener) => root.onLinkStatus!(listener) }),
    ...(root.retryNow && { retryNow: () => root.retryNow!() }),
    ...(root.reattachWithinMs !== undefined && { reattachWithinMs: root.reattachWithinMs }),
    reattach: async () => {
      connection = await root.openChild!(child.connect);
      return connection;
    },
  };
}
