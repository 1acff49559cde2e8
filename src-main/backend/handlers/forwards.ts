/**
 * App requests about what rides a profile's kept-up SSH link: the tracer port and the remote
 * forwards that bring a machine's `debugpy.connect` to it (`forwards/dial-in-forwards.ts`,
 * OpenSSH `-R`), the forwards of the Tunnels panel (`forwards/forward-registry.ts`, `-L` / `-R`),
 * and remote log tails (`logs/log-tails.ts`). SSH questions are asked of the client that made the
 * request.
 */
import { requireProfile, type AppHandlers, type RelayParts } from './handler-types.js';

/** The tracer port, tunnel and log methods. */
type TunnelMethod =
  | 'tracerPort.info'
  | 'tracerTunnel.open'
  | 'tracerTunnel.close'
  | 'tunnels.list'
  | 'tunnels.open'
  | 'tunnels.close'
  | 'logs.open'
  | 'logs.close';

/** Handlers of the tracer port, tunnel and log methods. */
export function tunnelHandlers(parts: RelayParts): AppHandlers<TunnelMethod> {
  const { profileStore, connections, tracerTunnels, tunnelRegistry, profileLinks, logTails } =
    parts;
  return {
    'tracerPort.info': () =>
      Promise.resolve({ tracerPort: parts.tracerPort(), tunnels: tracerTunnels.list() }),
    // A remote forward to the tracer port, opening a loopback tracer port first if there is none.
    'tracerTunnel.open': async (client, { profileId }) => {
      const profile = requireProfile(profileStore, profileId);
      if (!parts.tracerPort()) await parts.openTracerPort();
      const tunnel = await tracerTunnels.open(profile, () =>
        profileLinks.acquire(profile, connections.keepingUp(client, profile)),
      );
      return { tunnel };
    },
    'tracerTunnel.close': async (_client, { profileId }) => {
      await tracerTunnels.close(profileId);
      return {};
    },
    'tunnels.list': () => Promise.resolve({ tunnels: tunnelRegistry.list() }),
    'tunnels.open': async (client, params) => {
      const profile = requireProfile(profileStore, params.profileId);
      return {
        tunnel: await tunnelRegistry.open(profile, params, connections.keepingUp(client, profile)),
      };
    },
    'tunnels.close': async (_client, { id }) => {
      await tunnelRegistry.close(id);
      return {};
    },
    'logs.open': (client, { profileId, path }) => {
      const profile = requireProfile(profileStore, profileId);
      return logTails.open(client, profile, path, connections.keepingUp(client, profile));
    },
    'logs.close': async (client, { logId }) => {
      await logTails.close(client, logId);
      return {};
    },
  };
}
