/**
 * ContainerLogStream around reconnects, with a fake link (the real `docker logs` over a real sshd
 * runs in test/integration/containers/container-logs.test.ts): whichever comes first — the old
 * run seeing its end, or the link saying it is back — the log is followed once, not twice and not
 * never; a run on a dropped connection delivers nothing more; stop kills by pid a run that was
 * still starting.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ContainerLogStream } from '../../../../../src-main/remote/containers/container-logs.js';
import type { ReconnectingSsh } from '../../../../../src-main/ssh/connection/reconnecting-ssh.js';
import type { RemoteExit, RemoteProcess } from '../../../../../src-main/ssh/exec/remote-process.js';
import type { SshConnection } from '../../../../../src-main/ssh/connection/ssh-connection.js';

interface FakeRun {
  command: string;
  stdout: PassThrough;
  exit: (result: RemoteExit) => void;
  closed: boolean;
}

function fakeConnection(runs: FakeRun[], commands: string[], gate?: Promise<void>): SshConnection {
  const connection = {
    exec: async (command: string) => {
      await gate;
      const stdout = new PassThrough();
      let exit!: (result: RemoteExit) => void;
      const run: FakeRun = { command, stdout, exit: (r) => exit(r), closed: false };
      runs.push(run);
      const remote = {
        stdout,
        stderr: new PassThrough(),
        stdin: new PassThrough(),
        exit: new Promise<RemoteExit>((resolve) => (exit = resolve)),
        close: () => (run.closed = true),
      };
      return remote as unknown as RemoteProcess;
    },
    run: (command: string) => {
      commands.push(command);
      return Promise.resolve({ code: 0, stdout: '', stderr: '' });
    },
  };
  return connection as unknown as SshConnection;
}

function fakeLink(first: SshConnection): {
  link: ReconnectingSsh;
  reconnect: (next: SshConnection) => void;
  drop: () => void;
} {
  let current: SshConnection | undefined = first;
  const listeners = new Set<(c: SshConnection) => void>();
  const link = {
    get current() {
      return current;
    },
    onReconnected: (listener: (c: SshConnection) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    link: link as unknown as ReconnectingSsh,
    reconnect: (next) => {
      current = next;
      for (const listener of listeners) listener(next);
    },
    drop: () => (current = undefined),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const DROPPED: RemoteExit = { code: null, signal: null };

function start(link: ReconnectingSsh) {
  const data: string[] = [];
  const stream = ContainerLogStream.start(link, {
    cli: 'docker',
    name: 'web',
    tailLines: 200,
    onData: (text) => data.push(text),
  });
  return { stream, data };
}

describe('ContainerLogStream across reconnects', () => {
  it('the link back before the old run sees its end: one new run, from the last timestamp', async () => {
    const runs: FakeRun[] = [];
    const a = fakeConnection(runs, []);
    const { link, reconnect } = fakeLink(a);
    const { stream, data } = start(link);
    await tick();
    runs[0]!.stdout.write('__periscope_logs__ 41\n2026-12-04T10:00:00.000000001Z one\n');
    await tick();
    reconnect(fakeConnection(runs, []));
    await tick();
    expect(runs).toHaveLength(2);
    expect(runs[0]!.closed).toBe(true);
    expect(runs[1]!.command).toContain('--since 2026-12-04T10:00:00.000000001Z');
    // The old run's late end and late lines change nothing.
    runs[0]!.stdout.write('2026-12-04T10:00:01Z late\n');
    runs[0]!.exit(DROPPED);
    await tick();
    expect(runs).toHaveLength(2);
    expect(data.join('')).toBe('one\n');
    runs[1]!.stdout.write('__periscope_logs__ 42\n');
    await stream.stop();
  });

  it('the old run sees its end before the link is back: the reconnect starts the next run once', async () => {
    const runs: FakeRun[] = [];
    const { link, reconnect, drop } = fakeLink(fakeConnection(runs, []));
    const { stream } = start(link);
    await tick();
    drop();
    runs[0]!.exit(DROPPED);
    await tick();
    expect(runs).toHaveLength(1);
    reconnect(fakeConnection(runs, []));
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]!.stdout.write('__periscope_logs__ 42\n');
    await stream.stop();
  });

  it('the old run sees its end after the link is back (no second start from the reconnect)', async () => {
    const runs: FakeRun[] = [];
    let open!: () => void;
    const slow = new Promise<void>((resolve) => (open = resolve));
    const { link, reconnect } = fakeLink(fakeConnection(runs, []));
    const { stream } = start(link);
    await tick();
    // The reconnect arrives while a start on the new connection is slow; the old end comes then.
    reconnect(fakeConnection(runs, [], slow));
    runs[0]!.exit(DROPPED);
    await tick();
    open();
    await tick();
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]!.stdout.write('__periscope_logs__ 42\n');
    await stream.stop();
  });

  it('a stream stopped while its run starts kills that run by its pid', async () => {
    const runs: FakeRun[] = [];
    const commands: string[] = [];
    let open!: () => void;
    const slow = new Promise<void>((resolve) => (open = resolve));
    const { link } = fakeLink(fakeConnection(runs, commands, slow));
    const { stream } = start(link);
    const stopped = stream.stop();
    open();
    await tick();
    runs[0]!.stdout.write('__periscope_logs__ 77\n');
    await stopped;
    expect(commands).toEqual(['kill 77 2>/dev/null; exit 0']);
    expect(runs[0]!.closed).toBe(true);
  });
});
