/**
 * Attaching to a program already running on a profile's machine, as a {@link TracerStarter} so
 * the relay's launch path (session, attach handshake, re-attach after a drop) serves it unchanged:
 * - by pid: `remote/probes/debugpy-injector.ts` proves gdb or lldb on a throwaway process of the
 *   same interpreter, then makes the process call `debugpy.listen`, which starts an adapter on a
 *   free loopback port; a failed proof leaves the user's process untouched;
 * - by port: a debugpy someone started with `python -m debugpy --listen <port>` (or a program's
 *   own `debugpy.listen`).
 * Either way a local forward (`ssh/forwards/kept-local-forward.ts`) to the remote loopback port
 * carries DAP — or, in a container (`to.container`), a stdio bridge through `docker exec`
 * (`remote/containers/stdio-bridge.ts`) reaches the adapter on the container's loopback, with no
 * port published (by pid, the injector runs inside the container too: its namespaces, its pid).
 * After an SSH drop the re-attach opens a new forward connection or a new bridge. Neither has Periscope's TCP_NODELAY hook (`remote/launch/nodelay-sitecustomize.ts`):
 * expect stock debugpy's ~40 ms per message. The program is not ours: closing the session never
 * terminates it through SSH.
 */
import { DapConnection } from '../dap/dap-connection.js';
import { linkFileReader } from './link-file-reader.js';
import { containerFileReader } from './container-file-reader.js';
import { connectLoopback } from './loopback-socket.js';
import type { AttachTarget } from '../../src-common/protocol/connections.js';
import { injectDebugpy, type Injected } from '../remote/probes/debugpy-injector.js';
import type { InjectorVerdicts } from '../remote/probes/injector-verdicts.js';
import { SshError } from '../ssh/ssh-error.js';
import { freeStaleClientSlotOver, OwnSshdPids } from '../remote/probes/stale-slot.js';
import { KeptLocalForward } from '../ssh/forwards/kept-local-forward.js';
import type { TracerLink } from '../relay/tracer-link.js';
import { connectProfileKeepingUp } from '../connect/profile-connect.js';
import type { StartedTracer, TracerStarter } from './launch-tracer.js';
import { describeRemoteProcess, openChildVia } from './child-link.js';
import { containerPlace } from '../remote/containers/container-place.js';
import { openStdioBridge } from '../remote/containers/stdio-bridge.js';

/**
 * A {@link TracerStarter} that attaches to `to` instead of launching; `verdicts` keeps what the
 * injector probe found per machine.
 */
export function attachStarter(to: AttachTarget, verdicts: InjectorVerdicts): TracerStarter {
  return async (profile, _params, hostKeys, logger, progress = () => undefined, extras = {}) => {
    progress(`Connecting to ${profile.user}@${profile.host}:${profile.port}…`);
    const ssh = await connectProfileKeepingUp(profile, hostKeys, logger, extras);
    const ownSshd = OwnSshdPids.track(ssh, logger);
    ssh.onStatus((status) => {
      if (status.state === 'closed' || status.state === 'failed') ownSshd.stop();
    });
    let forward: KeptLocalForward | undefined;
    const place = to.container ? containerPlace(to.container, profile.python) : undefined;
    try {
      const connection = ssh.current!;
      let remotePort: number;
      let injected: Injected | undefined;
      if (to.kind === 'pid') {
        progress(`Injecting debugpy into process ${to.pid}…`);
        injected = await injectDebugpy(
          {
            connection,
            python: place?.python ?? profile.python,
            machine: `${profile.user}@${profile.host}:${profile.port}${place ? ` ${place.label}` : ''}`,
            host: profile.host,
            env: profile.env,
            verdicts,
            logger,
            ...(place && { place: (command: string) => place.wrap(command) }),
          },
          to.pid,
        );
        remotePort = injected.port;
      } else {
        remotePort = to.port;
      }
      const tunnel = place
        ? undefined
        : (forward = await KeptLocalForward.open(ssh, '127.0.0.1', remotePort, { logger }));
      const open = async (): Promise<DapConnection> => {
        const name = `debugpy ${profile.host}:${remotePort}`;
        if (!tunnel) {
          const current = ssh.current;
          if (!current)
            throw new SshError('ssh-failed', `the SSH connection to ${profile.host} is down`);
          return new DapConnection(await openStdioBridge(current, place!, remotePort), {
            name,
            logger,
          });
        }
        const socket = await connectLoopback(tunnel.localPort);
        socket.setNoDelay(true);
        return new DapConnection(socket, { name, logger });
      };
      let dap = await open().catch((error: unknown) => {
        // The bridge names the port and the container itself.
        if (place && error instanceof SshError) throw error;
        throw new SshError(
          'launch-failed',
          `nothing answered on port ${remotePort} of ${profile.host}: ${String(error)}`,
        );
      });
      let dropped = false;
      ssh.onStatus((status) => {
        if (status.state === 'reconnecting') dropped = true;
      });
      let disposed: Promise<void> | undefined;
      const dispose = (): Promise<void> => {
        disposed ??= (async () => {
          dap.close('session closed');
          await tunnel?.close().catch(() => undefined);
          await ssh.close().catch(() => undefined);
        })();
        return disposed;
      };
      const link: TracerLink = {
        get connection() {
          return dap;
        },
        reconnecting: () => dropped && ssh.state.state !== 'failed' && ssh.state.state !== 'closed',
        dispose,
        release: () => void dispose(),
      };
      const started: StartedTracer = {
        link,
        ...(injected && {
          label: `process ${to.kind === 'pid' ? to.pid : ''}${place ? ` in ${place.target.name}` : ''} (via ${injected.injector})`,
          notice: injectedNotice(injected, to.kind === 'pid' ? to.pid : 0, place?.label),
        }),
        ...(!injected &&
          place && {
            label: `debugpy on port ${remotePort} in ${place.target.name}`,
            notice: `Periscope: attached to debugpy on port ${remotePort} inside ${place.label} on ${profile.host}, through \`${place.cli} exec\` over the SSH connection (no port published).`,
          }),
        ...(place && { pathMappings: place.target.pathMappings }),
        // The program's stdout/stderr belong to whoever started it.
        onOutput: () => undefined,
        readFile: place
          ? containerFileReader(ssh, place, profile.host)
          : linkFileReader(ssh, profile.host),
        onLinkStatus: (listener) => ssh.onStatus(listener),
        retryNow: () => ssh.retryNow(),
        reattach: async () => {
          dap = await open();
          dropped = false;
          return dap;
        },
        ...(tunnel && {
          freeStaleClients: () =>
            freeStaleClientSlotOver(ssh, {
              python: profile.python,
              port: remotePort,
              ownSshdPids: ownSshd.pids,
              logger,
            }),
          openChild: (connect?: { host: string; port: number }) =>
            openChildVia(ssh, remotePort, open, connect, logger),
          describeProcess: (pid: number) => describeRemoteProcess(ssh, pid),
        }),
        ...(!tunnel && {
          // A child's adapter listens on the container's loopback too: one more bridge.
          openChild: async (connect?: { host: string; port: number }) => {
            const port = connect?.port ?? remotePort;
            const current = ssh.current;
            if (port === remotePort || !current) return open();
            return new DapConnection(await openStdioBridge(current, place!, port), {
              name: `child ${place!.target.name}:${port}`,
              logger,
            });
          },
        }),
        tunnels: () => (tunnel ? [tunnel.info()] : []),
      };
      return started;
    } catch (error) {
      await forward?.close().catch(() => undefined);
      await ssh.close().catch(() => undefined);
      throw error;
    }
  };
}

/** The console's line about an attach by pid: which injector, and why not the others. */
function injectedNotice({ injector, probe }: Injected, pid: number, where?: string): string {
  const others = probe.injectors
    .filter((v) => v.injector !== injector && !v.ok)
    .map(
      (v) => `${v.injector} ${v.missing ? 'is not installed' : `cannot inject here: ${v.cause}`}`,
    );
  return `Periscope: debugpy injected into process ${pid}${where ? ` inside ${where}` : ''} with ${injector}${others.length ? ` (${others.join('; ')})` : ''}.`;
}
