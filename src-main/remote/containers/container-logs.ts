/**
 * A container's log as a stream (issue 14: "a container's log (`docker logs -f`) can be opened as
 * a log tab"): `docker logs -f --timestamps --tail N NAME` over an exec channel of a reconnecting
 * SSH link. Each line's timestamp (RFC 3339 with nanoseconds, Docker's `--timestamps`) is taken
 * off before the text is delivered and remembered, so after a reconnect the stream goes on with
 * `--since <last timestamp>` and drops the lines it had already delivered: no gap, no repeat.
 * The container's stdout and stderr come as one stream (`2>&1`), as `docker logs` prints them.
 * `stop` kills the remote CLI by pid, so nothing is left behind on the machine.
 */
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import type { ReconnectingSsh } from '../../ssh/connection/reconnecting-ssh.js';
import type { RemoteProcess } from '../../ssh/exec/remote-process.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin, shellQuote } from '../../ssh/exec/shell-quote.js';
import type { ContainerEngine } from '../../../src-common/protocol/containers.js';
import { errorMessage } from '../../../src-common/errors.js';

/** What the wrapper prints first: `<marker> <pid of the CLI>`. */
const PID_MARKER = '__periscope_logs__';
/** `2026-12-03T09:12:00.123456789Z ` at the start of a `--timestamps` line. */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/** Options of {@link ContainerLogStream.start}. */
export interface ContainerLogOptions {
  cli: ContainerEngine;
  name: string;
  /** How many of the log's last lines the stream starts with. */
  tailLines: number;
  /** Receives the log's text, whole lines, timestamps taken off. */
  onData: (text: string) => void;
  /** Called after a reconnect once the stream goes on. */
  onResume?: () => void;
  /** Called once when the stream has ended for good (`reason`: why). */
  onEnd?: (reason: string) => void;
  logger?: Logger;
}

/** A log line longer than this (characters) is passed on in pieces. */
const MAX_PENDING_LINE_CHARS = 1024 * 1024;
/** How long {@link ContainerLogStream.stop} waits for a starting CLI to say its pid, in ms. */
const PID_WAIT_MS = 2000;

/** One `docker logs -f` run, over one SSH connection. */
interface LogRun {
  remote: RemoteProcess;
  connection: SshConnection;
  pid?: number;
  /** Settles once the pid is known or the run has ended. */
  pidKnown: Promise<void>;
}

/**
 * See the module comment. One run at a time: a reconnect that arrives while the run on the
 * dropped connection has not yet seen its end replaces that run (which delivers nothing more), and
 * a run whose end is seen after the reconnect starts the next one itself — so the log is neither
 * followed twice nor left unfollowed, whichever comes first.
 */
export class ContainerLogStream {
  private running: LogRun | undefined;
  /** A run's `exec` under way (the channel is not open yet). */
  private starting: Promise<unknown> | undefined;
  private lastStamp: string | undefined;
  private stopped = false;
  private ended = false;
  private resumed = false;
  private readonly offReconnect: () => void;
  private readonly logger: Logger;

  private constructor(
    private readonly link: ReconnectingSsh,
    private readonly options: ContainerLogOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.offReconnect = link.onReconnected(() => {
      this.resumed = true;
      void this.run();
    });
  }

  /** Starts following the log. */
  static start(link: ReconnectingSsh, options: ContainerLogOptions): ContainerLogStream {
    const stream = new ContainerLogStream(link, options);
    void stream.run();
    return stream;
  }

  /** Ends the stream: kills the remote CLI by pid and closes its channel. Idempotent; never rejects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.offReconnect();
    // A run still starting is stopped like the others, once its CLI has said its pid.
    await this.starting?.catch(() => undefined);
    const running = this.running;
    if (running && running.pid === undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        running.pidKnown,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, PID_WAIT_MS))),
      ]).finally(() => clearTimeout(timer));
    }
    this.running = undefined;
    if (running?.pid !== undefined)
      await this.link.current
        ?.run(`kill ${running.pid} 2>/dev/null; exit 0`)
        .catch(() => undefined);
    running?.remote.close();
    this.finish('stopped');
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.offReconnect();
    this.options.onEnd?.(reason);
  }

  private async run(): Promise<void> {
    const connection = this.link.current;
    if (this.stopped || this.ended || !connection || this.starting) return;
    if (this.running) {
      if (this.running.connection === connection) return;
      // The run on the dropped connection has not seen its end yet: it is replaced.
      this.running.remote.close();
      this.running = undefined;
    }
    const { cli, name, tailLines } = this.options;
    const from = this.lastStamp;
    const logs = shellJoin([
      cli,
      'logs',
      '--follow',
      '--timestamps',
      ...(from ? ['--since', from] : ['--tail', String(tailLines)]),
      name,
    ]);
    const command = `exec sh -c ${shellQuote(`echo ${PID_MARKER} $$; exec ${logs} 2>&1`)}`;
    let remote: RemoteProcess;
    const exec = connection.exec(command);
    this.starting = exec;
    try {
      remote = await exec;
    } catch (error) {
      this.logger.debug('container log could not start; waiting for the link', {
        error: errorMessage(error),
      });
      this.starting = undefined;
      // The link came back while this start failed on the dropped connection: try on the new one.
      if (this.link.current !== undefined && this.link.current !== connection) void this.run();
      return;
    }
    this.starting = undefined;
    let pidSaid = (): void => undefined;
    const running: LogRun = {
      remote,
      connection,
      pidKnown: new Promise<void>((resolve) => (pidSaid = resolve)),
    };
    this.running = running;
    remote.stdin.end();
    remote.stderr.resume();
    let buffer = '';
    /** The text of `line` to deliver ('' for none); remembers its timestamp. */
    const take = (line: string): string => {
      const stamp = STAMP.exec(line)?.[1];
      if (stamp === undefined) return `${line}\n`;
      // `--since` repeats the entries at the last timestamp: those were delivered already.
      if (from !== undefined && !after(stamp, from)) return '';
      this.lastStamp = stamp;
      return `${line.slice(stamp.length + 1)}\n`;
    };
    remote.stdout.setEncoding('utf8');
    remote.stdout.on('data', (text: string) => {
      // A replaced run (its connection dropped) delivers nothing more: the next run has it.
      if (this.running !== running) return;
      buffer += text;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      let out = '';
      for (const line of lines) {
        if (running.pid === undefined && line.startsWith(`${PID_MARKER} `)) {
          running.pid = Number(line.slice(PID_MARKER.length + 1));
          pidSaid();
          if (this.resumed) this.options.onResume?.();
          continue;
        }
        out += take(line);
      }
      // A line that never ends (a program printing without newlines) is passed on in pieces,
      // never held whole: the log tab gets it, the laptop's memory does not grow with it.
      if (buffer.length > MAX_PENDING_LINE_CHARS) {
        out += buffer;
        buffer = '';
      }
      if (out !== '' && !this.stopped) this.options.onData(out);
    });
    const result = await remote.exit;
    pidSaid();
    if (this.running !== running) return;
    this.running = undefined;
    if (this.stopped) return;
    // Closed without a status: the connection dropped. The unfinished line comes again after
    // `--since`. If the link came back before this end was seen, `onReconnected` found this run
    // still here and did nothing: start the next run now.
    if (result.code === null && result.signal === null) {
      if (this.link.current !== undefined && this.link.current !== connection) void this.run();
      return;
    }
    if (buffer !== '') this.options.onData(take(buffer));
    this.finish(
      result.code === 0
        ? `the container stopped (${cli} logs ended)`
        : `${cli} logs exited with ${result.code ?? result.signal ?? 'no status'}`,
    );
  }
}

/** True when RFC 3339 time `a` is later than `b` (same zone, as Docker prints them: UTC). */
function after(a: string, b: string): boolean {
  const [secondsA = '', fractionA = ''] = a.replace(/Z$/, '').split('.');
  const [secondsB = '', fractionB = ''] = b.replace(/Z$/, '').split('.');
  if (secondsA !== secondsB) return secondsA > secondsB;
  return fractionA.padEnd(9, '0') > fractionB.padEnd(9, '0');
}
