/**
 * What the profile form tells the user when it exchanges an attach configuration with VS Code's
 * `.vscode/launch.json`.
 *
 * VS Code's debugpy `attach` reaches a debugpy server at `connect.host:connect.port` from the
 * laptop. For a remote machine its docs have the user run `python -m debugpy --listen 5678 …`
 * there and `ssh -L 5678:localhost:5678 user@host` here, so `connect` is `localhost:5678` and the
 * port is the REMOTE debugpy's port (the forward keeps the number). Periscope makes that forward
 * itself over the profile's SSH connection and reaches debugpy on the remote loopback, so of
 * `connect` it keeps only the port (the profile's `attachPort`).
 */
import type { LaunchJsonAttach } from '../../../src-common/protocol/connections.js';
import { isLoopbackHost } from '../../../src-common/net.js';

/**
 * The status line after taking `configuration`'s settings into a profile whose SSH server is
 * `profileHost` (may be empty): what was taken, and, when `connect.host` is not the laptop, what
 * that means for Periscope (VS Code attaches straight over the network; Periscope goes over SSH
 * to the profile's machine and reaches debugpy on its loopback).
 */
export function importedStatus(configuration: LaunchJsonAttach, profileHost: string): string {
  if (!configuration.connect)
    return `Took path mappings, justMyCode and the debug options from the launch configuration "${configuration.name}".`;
  const { host, port } = configuration.connect;
  const taken = `Took path mappings, justMyCode, the debug options and attach port ${port} from "${configuration.name}".`;
  if (isLoopbackHost(host)) return taken;
  const machine = profileHost.trim()
    ? `this profile's machine (${profileHost.trim()})`
    : "this profile's machine";
  return (
    `${taken} It attaches straight to ${host}:${port} over the network; Periscope instead ` +
    `connects over SSH to ${machine} and reaches debugpy at 127.0.0.1:${port} there, so ` +
    `${host} must be that machine and its debugpy must listen on 127.0.0.1 or 0.0.0.0.`
  );
}

/**
 * The status line after exporting `configuration` (always `connect.host` `localhost`) to `path`:
 * the ssh(1) local forward VS Code needs before it can attach, for the profile's `user@host`
 * (`destination`, may be empty).
 */
export function exportedStatus(
  configuration: LaunchJsonAttach,
  path: string,
  destination: string,
): string {
  const port = configuration.connect?.port ?? 5678;
  const forward = `ssh -L ${port}:localhost:${port} ${destination.trim() || '<user>@<host>'}`;
  return (
    `Wrote "${configuration.name}" (attach to localhost:${port}) to ${path}. ` +
    `VS Code reaches debugpy through a forward: ${forward}.`
  );
}
