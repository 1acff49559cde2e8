/**
 * Starts a tracer inside a container of a profile's machine (issue 14), as a
 * {@link TracerStarter} so the relay's launch path (session, attach handshake, Stop) serves it
 * unchanged. The path: SSH link from the profile → the program under debugpy, started inside the
 * container with `docker exec -i` (`remote/launch/remote-launch.ts` with the container's `place`)
 * and listening on the container's own 127.0.0.1 → DAP through a stdio bridge (`docker exec -i …
 * python stdio_bridge.py PORT` over an SSH exec channel, `remote/containers/stdio-bridge.ts`). No
 * port is published from the container, and none is opened on the machine's interfaces.
 *
 * As for a launch on the machine, the program's output goes through the output mux into a file and
 * `tail -F` — both inside the container — so an SSH drop is not the program's end: once the link
 * is back the tail resumes and {@link StartedTracer.reattach} opens a new bridge to the same
 * debugpy (the old bridge, its stdin gone with the old connection, has left the adapter's client
 * slot; after a silent drop it has not, and {@link StartedTracer.freeStaleClients} ends it inside
 * the container by its connection's tag, `remote/containers/stdio-bridge.ts`). Sources are read inside the container, then on the machine (SFTP) for paths that are the
 * machine's own (a bind mount's source).
 */
import { DapConnection } from '../dap/dap-connection.js';
import { containerFileReader } from './container-file-reader.js';
import { launchedLink } from './launched-link.js';
import { connectProfileKeepingUp } from '../connect/profile-connect.js';
import { launchUnderDebugpy } from '../remote/launch/remote-launch.js';
import { containerPlace } from '../remote/containers/container-place.js';
import { requireContainer } from '../remote/containers/container-inspect.js';
import { connectionTag, openStdioBridge } from '../remote/containers/stdio-bridge.js';
import { freeStaleClientSlot } from '../remote/probes/stale-slot.js';
import { SshError } from '../ssh/ssh-error.js';
import { profileLaunchOptions, type StartedTracer, type TracerStarter } from './launch-tracer.js';
import { noDebugpyInContainer, sessionDebugpy } from './container-debugpy.js';

/**
 * Connects, checks the container runs, launches in it and bridges to debugpy. Rejects with the
 * SSH layer's `SshError`, a named container problem (`launch-failed`: no CLI, socket
 * permission, no such container, not running) or a launch error; nothing is left open then.
 */
export const startContainerTracer: TracerStarter = async (
  profile,
  params,
  hostKeys,
  logger,
  progress = () => undefined,
  extras = {},
) => {
  const target = params.container;
  if (!target) throw new Error('startContainerTracer needs params.container');
  // The profile's sudo in a container: the program runs as the container's root (`exec -u 0`).
  const place = containerPlace(target, profile.python, profile.sudo);
  progress(`Connecting to ${profile.user}@${profile.host}:${profile.port}…`);
  const ssh = await connectProfileKeepingUp(profile, hostKeys, logger, extras);
  const cleanups: (() => Promise<unknown>)[] = [() => ssh.close()];
  const undo = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  const current = () => {
    const connection = ssh.current;
    if (!connection)
      throw new SshError('ssh-failed', `the SSH connection to ${profile.host} is down`);
    return connection;
  };
  try {
    progress(`Checking ${place.label}…`);
    const details = await requireContainer(current(), target.kind, target.name);
    if (!details.running)
      throw new SshError(
        'launch-failed',
        `${place.label} on ${profile.host} is not running. Start it: \`${place.cli} start ${target.name}\``,
      );
    if (target.copyDebugpy) progress(`Copying the machine's debugpy into ${place.label}…`);
    const debugpy = await sessionDebugpy(ssh, place, profile.python, target.copyDebugpy === true);
    // Before the program's terminate (cleanups run in reverse): removed once it is gone.
    if (debugpy.remove) cleanups.push(debugpy.remove);
    progress(`Starting the program under debugpy in ${place.label}…`);
    const debuggee = await launchUnderDebugpy(current(), {
      python: place.python,
      target: params.target,
      args: params.args,
      // Empty: the container's own working directory (`docker exec` starts there).
      cwd: params.cwd,
      // Children are followed through a bridge of their own (`openChild` below).
      ...profileLaunchOptions(profile, params),
      // The capture writes to the ring inside the container (`snapshots.fetch` reads it there).
      capture: profile.capture,
      place: (command) => debugpy.place.wrap(command),
      link: ssh,
      logger,
    }).catch((error: unknown) => {
      throw noDebugpyInContainer(error, place, profile.host);
    });
    let released = false;
    cleanups.push(() => (released ? Promise.resolve() : debuggee.terminate()));
    progress(`Opening the bridge into ${place.label}…`);
    const open = async (): Promise<DapConnection> =>
      new DapConnection(await openStdioBridge(current(), place, debuggee.remotePort), {
        name: `tracer ${profile.host} ${target.name}`,
        logger,
      });
    const { link, reattach } = await launchedLink({
      ssh,
      debuggee,
      open,
      undo,
      onRelease: () => (released = true),
    });
    const readFile = containerFileReader(ssh, place, profile.host);
    const started: StartedTracer = {
      link,
      label: `${params.target.kind === 'file' ? params.target.path : `-m ${params.target.module}`} in ${target.name}`,
      notice: `Periscope: running in ${place.label} on ${profile.host}; the debugger is reached through \`${place.cli} exec\` over the SSH connection (no port published).${debugpy.notice ? `\n${debugpy.notice}` : ''}`,
      pathMappings: target.pathMappings,
      onOutput: (listener) => debuggee.onOutput(listener),
      readFile,
      ...(debuggee.writeStdin ? { writeStdin: debuggee.writeStdin } : {}),
      ...(debuggee.resizeTerminal ? { resizeTerminal: debuggee.resizeTerminal } : {}),
      reattach,
      freeStaleClients: () =>
        freeStaleClientSlot(current(), {
          python: place.python,
          port: debuggee.remotePort,
          ownSshdPids: [],
          inside: { wrap: place.wrap, currentTag: connectionTag(current()) },
          logger,
        }),
      onLinkStatus: (listener) => ssh.onStatus(listener),
      retryNow: () => ssh.retryNow(),
      tunnels: () => [],
      // A child's adapter listens on the container's loopback too: one more bridge.
      openChild: async (connect) => {
        const port = connect?.port ?? debuggee.remotePort;
        if (port === debuggee.remotePort) return open();
        return new DapConnection(await openStdioBridge(current(), place, port), {
          name: `child ${target.name}:${port}`,
          logger,
        });
      },
    };
    return started;
  } catch (error) {
    await undo();
    throw error;
  }
};
