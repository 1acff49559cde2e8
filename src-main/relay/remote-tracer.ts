/**
 * Starts a tracer on a remote machine for a session (DESIGN.md "launch over SSH"):
 * SSH connection from the profile (host key verified) → the program under
 * `python -m debugpy --listen 127.0.0.1:<port> --wait-for-client` → a local forward to that
 * port → a DAP connection over the forward. Everything opened is closed again on failure.
 */
import { connect, type Socket } from 'node:net';
import { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type { LaunchParams } from '../protocol/client-protocol.js';
import type { Profile } from '../protocol/profile.js';
import { openSshConnection, type HostKeyPolicy } from '../ssh/ssh-connection.js';
import { launchUnderDebugpy } from '../ssh/remote-launch.js';
import type { TracerLink } from './debug-session.js';
import type { RemoteFileReader } from './source-reader.js';

/** A started tracer, as the relay uses it. */
export interface StartedTracer {
  link: TracerLink;
  /** Output of the program's process (stdout/stderr), in arrival order, UTF-8 decoded. */
  onOutput(listener: (category: 'stdout' | 'stderr', text: string) => void): void;
  /** Reads a file on the tracer's machine (SFTP). */
  readFile: RemoteFileReader;
}

/** Starts a tracer for a launch; {@link startRemoteTracer} in the app, a fake in some tests. */
export type TracerStarter = (
  profile: Profile,
  params: LaunchParams,
  hostKeys: HostKeyPolicy,
  logger: Logger,
  progress?: LaunchProgress,
) => Promise<StartedTracer>;

/** Progress steps, for the UI's "Connecting to …" line and for logs. */
export type LaunchProgress = (step: string) => void;

/**
 * Connects, launches and forwards. Rejects with the SSH layer's `SshError` (host key, auth,
 * network) or a launch error; in both cases nothing is left open.
 */
export async function startRemoteTracer(
  profile: Profile,
  params: LaunchParams,
  hostKeys: HostKeyPolicy,
  logger: Logger,
  progress: LaunchProgress = () => undefined,
): Promise<StartedTracer> {
  progress(`Connecting to ${profile.user}@${profile.host}:${profile.port}…`);
  const ssh = await openSshConnection(
    { host: profile.host, port: profile.port, user: profile.user, auth: profile.auth },
    hostKeys,
    { logger },
  );
  const cleanups: (() => Promise<unknown>)[] = [() => ssh.close()];
  const undo = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    progress('Starting the program under debugpy…');
    const debuggee = await launchUnderDebugpy(ssh, {
      python: profile.python,
      target: params.target,
      args: params.args,
      cwd: params.cwd || profile.cwd,
      logger,
    });
    cleanups.push(() => debuggee.terminate());
    progress('Opening the tunnel…');
    const forward = await ssh.openLocalForward('127.0.0.1', debuggee.remotePort);
    cleanups.push(() => forward.close());
    const socket = await connectSocket(forward.localPort);
    socket.setNoDelay(true);
    const connection = new DapConnection(socket, { name: `tracer ${profile.host}`, logger });
    let disposed: Promise<void> | undefined;
    const link: TracerLink = {
      connection,
      programExit: debuggee.exit,
      dispose: () => {
        disposed ??= (async () => {
          connection.close('session closed');
          await undo();
        })();
        return disposed;
      },
    };
    return {
      link,
      onOutput: (listener) => debuggee.onOutput(listener),
      readFile: (path, maxBytes) => ssh.readFile(path, maxBytes),
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

function connectSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
