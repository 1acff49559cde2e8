/**
 * The baseline over SSH: a program launched under debugpy through the test sshd (stock, or with
 * the TCP_NODELAY hook), a local forward, and a bare DAP client on it — no relay.
 */
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../../src-main/dap/dap-connection.js';
import { launchUnderDebugpy } from '../../src-main/remote/launch/remote-launch.js';
import { openSshConnection } from '../../src-main/ssh/connection/ssh-connection.js';
import type { TestSshd } from '../../test/harness/sshd.js';
import { writeFile } from 'node:fs/promises';
import { attachBareClient, call, loadTopFrame, nextEvent } from './bare-client.js';

/** A bare client stopped at `breakLine` of a program launched over SSH. */
export async function bareOverSsh(
  sshd: TestSshd,
  program: string,
  breakLine: number,
  tcpNoDelay: boolean,
  args: string[] = [],
): Promise<{
  connection: DapConnection;
  threadId: number;
  onOutput: (listener: (category: 'stdout' | 'stderr', text: string) => void) => () => void;
  stop: () => Promise<void>;
}> {
  const knownHosts = join(sshd.dir, 'bench_known_hosts');
  await writeFile(knownHosts, sshd.knownHostsLine() + '\n');
  const ssh = await openSshConnection(
    {
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      auth: { kind: 'key', keyPath: sshd.userKeyPath },
    },
    {
      knownHostsFiles: [knownHosts],
      trustedHostsFile: knownHosts,
      askUser: () => Promise.resolve(false),
    },
  );
  const debuggee = await launchUnderDebugpy(ssh, {
    python: '/usr/bin/python3',
    target: { kind: 'file', path: program },
    args,
    cwd: '',
    tcpNoDelay,
  });
  const forward = await ssh.openLocalForward('127.0.0.1', debuggee.remotePort);
  const connection = await attachBareClient(forward.localPort, program, [breakLine]);
  const stopped = (await nextEvent(connection, 'stopped')) as DebugProtocol.StoppedEvent;
  const threadId = stopped.body.threadId ?? 0;
  await loadTopFrame(connection, threadId);
  await call(connection, 'setBreakpoints', { source: { path: program }, breakpoints: [] });
  return {
    connection,
    threadId,
    onOutput: (listener) => debuggee.onOutput(listener),
    stop: async () => {
      connection.close('benchmark done');
      await debuggee.terminate();
      await forward.close();
      await ssh.close();
    },
  };
}
