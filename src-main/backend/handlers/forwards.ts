/**
 * App requests about the forwards that ride a profile's kept-up SSH link: the tracer port and the
 * remote forwards that bring a machine's `debugpy.connect` to it (`forwards/dial-in-forwards.ts`,
 * OpenSSH `-R`), and the forwards of the Tunnels panel (`forwards/forward-registry.ts`, `-L` /
 * `-R`). SSH questions are asked of the client that made the request.
 */
import { requireProfile, type AppHandlers, type BackendParts } from './handler-types.js';

/** The tracer port and tunnel methods. */
type ForwardMethod =
  | 'tracerPort.info'
  | 'tracerTunnel.open'
  | 'tracerTunnel.close'
  | 'tunnels.list'
  | 'tunnels.open'
  | 'tunnels.close';

/** Handlers of the tracer port and tunnel methods. */
export function forwardHandlers(parts: BackendParts): AppHandlers<ForwardMethod> {
  const { profileStore, connections, dialInForwards, forwardRegistry, profileLinks } = parts;
  return {
    'tracerPort.info': () =>
      Promise.resolve({ tracerPort: parts.tracerPort(), tunnels: dialInForwards.list() }),
    // A remote forward to the tracer port, opening a loopback tracer port first if there is none.
    'tracerTunnel.open': async (client, { profileId }) => {
      const profile = requireProfile(profileStore, profileId);
      if (!parts.tracerPort()) await parts.openTracerPort();
      const tunnel = await dialInForwards.open(profile, () =>
        profileLinks.acquire(profile, connections.keepingUp(client, profile)),
      );
      return { tunnel };
    },
    'tracerTunnel.close': async (_client, { profileId }) => {
      await dialInForwards.close(profileId);
      return {};
    },
    'tunnels.list': () => Promise.resolve({ tunnels: forwardRegistry.list() }),
    'tunnels.open': async (client, params) => {
      const profile = requireProfile(profileStore, params.profileId);
      return {
        tunnel: await forwardRegistry.open(profile, params, connections.keepingUp(client, profile)),
      };
    },
    'tunnels.close': async (_client, { id }) => {
      await forwardRegistry.close(id);
      return {};
    },
  };
}
