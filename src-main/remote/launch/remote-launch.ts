/**
 * Launch over SSH: start a Python program under `python -m debugpy --listen 127.0.0.1:<port>
 * --wait-for-client` on the remote machine, stream its stdout/stderr, and kill its whole process
 * group when asked (sshd runs each session's shell with setsid(2), so the shell is a group leader;
 * `exec` keeps that pid for Python, and debugpy's adapter subprocess stays in the group).
 *
 * Output over the exec channel's pipes dies with the SSH connection, and so does the program: it
 * gets EPIPE (Python raises BrokenPipeError) on its next print once sshd is gone
 * (`test/integration/connections/launch-survives-drop.test.ts` shows it). With a
 * {@link ReconnectingSsh} (`options.link`) the shell `exec`s the output mux instead
 * (`output-mux.ts`, run by the same interpreter), which starts the program with stdout and stderr
 * on two pipes, reads both as data comes and appends framed records to ONE file, `output`, in a
 * fresh remote directory. One `tail -F` (`remote/tail/remote-file-tail.ts`) follows that file,
 * picking up at the next unread byte after a reconnect, and `output-frames.ts` splits it back into
 * stdout and stderr: the program never notices the drop, and the console gets stdout and stderr in
 * the order they were written — exactly for all that is written to fd 1 and the program's
 * Python-level stderr writes, which the launch's sitecustomize puts into the stdout pipe as
 * records (`remote/python/sitecustomize.py`), and as far as one reader of both pipes can tell for
 * what is written to fd 2 itself (as `ssh host cmd` gives them). The
 * announced pid is then the mux's: it is still the group leader, so the group kill covers the mux,
 * the program and debugpy, and the mux exits with the program's exit status.
 */
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import { LaunchOutput, PID_MARKER, type OutputListener } from './launch-output.js';
import type { RemoteExit, RemoteProcess } from '../../ssh/exec/remote-process.js';
import { nodelayPythonPath, writeNodelayHook } from './nodelay-sitecustomize.js';
import { OutputDeframer } from './output-frames.js';
import { OUTPUT_MUX, muxStdin } from './output-mux.js';
import { outputTrimmer } from './output-trim.js';
import type { ReconnectingSsh } from '../../ssh/connection/reconnecting-ssh.js';
import { RemoteFileTail } from '../tail/remote-file-tail.js';
import { shellJoin, shellQuote } from '../../ssh/exec/shell-quote.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { SshError } from '../../ssh/ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';
import PICK_PORT from '../python/pick_port.py';
import { mergeUnderEnv, parseEnvFile } from './env-file.js';
import { ptyVariable, resizeProgramTerminal, type TerminalSize } from './program-terminal.js';
import WAIT_LISTENING from '../python/wait_listening.py';
import SUDO_ENV from '../python/sudo_env.py';
import { grantSudo, sudoPrefix, sudoStdin, type SudoGrant, type SudoOptions } from './sudo.js';

export type { OutputCategory, OutputListener } from './launch-output.js';

/** What to run: a script file (`python prog.py`) or a module (`python -m pkg.mod`). */
export type LaunchTarget = { kind: 'file'; path: string } | { kind: 'module'; module: string };

/** Options of {@link launchUnderDebugpy}. */
export interface LaunchOptions {
  /** Remote interpreter that has debugpy, e.g. `/usr/bin/python3`. */
  python: string;
  target: LaunchTarget;
  args: string[];
  /** Remote working directory (`~/…` allowed); empty = the login directory. */
  cwd: string;
  /**
   * Start debugpy with Periscope's TCP_NODELAY hook (`nodelay-sitecustomize.ts`). Default true;
   * false runs stock debugpy (benchmarks' baseline).
   */
  tcpNoDelay?: boolean;
  /** How long to wait for debugpy to listen, in ms. Default 15000. */
  listenTimeoutMs?: number;
  /**
   * The reconnecting link `connection` belongs to: output then goes through the output mux, a
   * remote file and `tail -F` (see the module comment), and `terminate` uses whichever connection
   * is up.
   */
  link?: ReconnectingSsh;
  /**
   * Environment variables for the program (`NAME=value`; names must be POSIX names). Also
   * set, unless given here: `PYTHONBREAKPOINT=debugpy.breakpoint`, so `breakpoint()` stops in
   * Periscope in every process of the program (debugpy also hooks it in the processes it debugs).
   */
  env?: { name: string; value: string }[];
  /**
   * A `.env` file of the remote machine (absolute, `~/…`, or relative to `cwd`), read there now;
   * its variables go under `env` (`env-file.ts`). Its values, like `env`'s, are never in a
   * command line (over a link) nor in a log.
   */
  envFile?: string;
  /** Interpreter flags before the program (launch.json's `pythonArgs`), e.g. `-X dev`, `-O`. */
  pythonArgs?: string[];
  /**
   * gevent-compatible debugging (launch.json's `gevent`): `GEVENT_SUPPORT=True` in the program's
   * environment, read by pydevd when it starts (so it cannot be turned on for an attach).
   */
  gevent?: boolean;
  /**
   * A Pyramid app (launch.json's `pyramid`): a file target is its `.ini`, run by Pyramid's
   * `pserve` entry point as `-m pyramid.scripts.pserve <ini>` (Debian names the script
   * `pserve3`; the module is the same everywhere).
   */
  pyramid?: boolean;
  /**
   * Stop on the program's first line (launch.json's `stopOnEntry`): done by the launch's
   * sitecustomize (`remote/python/sitecustomize.py`, part 4), so not with `tcpNoDelay: false`.
   */
  stopOnEntry?: boolean;
  /**
   * Follow child processes (default true): false starts debugpy with `--configure-subProcess
   * False`, so it does not patch process creation (an attach's `subProcess` is ignored by
   * debugpy: it must be set before `listen`, `debugpy/server/cli.py`).
   */
  subProcess?: boolean;
  /**
   * Runs every command of the launch somewhere else on the machine: the host shell command that
   * runs a shell command line there, e.g. inside a container (`remote/containers/container-place.ts`).
   * `remotePort`, `pid` and the output files are then that place's; with `link`, the output mux,
   * its `tail -F` and the stdin writes run there too.
   */
  place?: (command: string) => string;
  /**
   * Crash capture in the program (the profile's `capture`; default false here): the capture
   * module goes beside the TCP_NODELAY hook, which enables it (`nodelay-sitecustomize.ts`).
   * Needs the hook (`tcpNoDelay` not false).
   */
  capture?: boolean;
  /**
   * Run the program as root through sudo (launch.json's `sudo`; `sudo.ts`): sudo's password is
   * asked with `askPassword` when it needs one, checked before the launch, and kept for this
   * program's Stop (which kills as root).
   */
  sudo?: SudoOptions;
  /**
   * Run the program in a pseudo-terminal of this size (launch.json's `console`
   * `integratedTerminal` / `externalTerminal`; `program-terminal.ts`): stdin, stdout and stderr
   * are the terminal, its output comes as `stdout` only, and `writeStdin` takes keystrokes.
   * Only with `link` (the output mux makes the terminal); ignored without.
   */
  terminal?: TerminalSize;
  logger?: Logger;
}

/** A program running under debugpy on the remote machine, waiting for a DAP client on `remotePort`. */
export interface RemoteDebuggee {
  /** The port debugpy's adapter listens on, on the remote 127.0.0.1 (open a local forward to it). */
  remotePort: number;
  /**
   * Remote pid of the process group leader (= the process group id): Python's own pid, or over a
   * `link` the output mux's, whose child is Python.
   */
  pid: number;
  /** Over a link: the remote file the output mux writes the program's output to. */
  outputFile?: string;
  /**
   * Over a link: writes `text` to the program's stdin (the mux's FIFO, `output_mux.py`), over the
   * link's current connection; with `eof`, the program then reads end-of-file. Resolves once
   * written (a program that does not read blocks the write: it times out after 10 s).
   * @throws SshError `ssh-failed` when the link is down; Error when the write fails.
   */
  writeStdin?: (text: string, eof?: boolean) => Promise<void>;
  /**
   * With `terminal` over a link: sets the window size of the program's terminal
   * (`program-terminal.ts`).
   * @throws SshError `ssh-failed` when the link is down; Error when the program has ended.
   */
  resizeTerminal?: (size: TerminalSize) => Promise<void>;
  /**
   * Receives the program's stdout/stderr as UTF-8 text in the order written: exactly for
   * everything written to fd 1 and the program's Python-level stderr writes over a `link` with
   * the TCP_NODELAY hook (which writes those into the stdout pipe as records,
   * `remote/python/sitecustomize.py`); otherwise in the order one remote reader of both pipes saw
   * them (sshd on the exec channel, the output mux), where data waiting in both pipes at once comes
   * stdout first. The first listener also gets what came before.
   */
  onOutput(listener: OutputListener): () => void;
  /**
   * Settles when the remote process has exited (signal e.g. `SIGTERM`); never rejects. Over a
   * `link`, this is the output mux's status, which repeats the program's (same code, or killed by
   * the same signal), and it settles only with a real exit status: after a reconnect the status is
   * not known (use {@link ended}).
   */
  exit: Promise<RemoteExit>;
  /** Settles once the program is gone and all its output was delivered; never rejects. */
  ended: Promise<void>;
  /**
   * Kills the process group (TERM, then KILL after ~2 s), makes sure debugpy's adapter (which
   * daemonizes into its own session) is gone too, and waits up to 3 s for the exit. Never rejects.
   */
  terminate(): Promise<void>;
}

/**
 * Starts the program under debugpy and resolves once debugpy listens.
 * @throws SshError `launch-failed` when the interpreter is missing, debugpy is not importable, the
 *   program exits before debugpy listens (message carries its stderr) or debugpy does not listen in
 *   time; `ssh-failed` when the connection fails.
 */
export async function launchUnderDebugpy(
  connection: SshConnection,
  given: LaunchOptions,
): Promise<RemoteDebuggee> {
  let options = given;
  const logger = options.logger ?? silentLogger;
  const host = connection.target.host;
  const place = options.place ?? ((command: string) => command);
  // sudo -S would read its password from the terminal, which echoes what it is given.
  if (options.sudo && options.terminal && options.link)
    throw new SshError(
      'launch-failed',
      'sudo does not work with a terminal console yet (its password would go through the terminal): set the profile\'s Console to internalConsole, or turn off "sudo"',
    );
  const remotePort = await pickRemotePort(connection, options.python, host, place);
  const grant = options.sudo
    ? await grantSudo(connection, options.python, options.sudo, place)
    : undefined;

  const link = options.link;
  const outputToFiles = link !== undefined;
  const fromFile = options.envFile
    ? await readEnvFile(connection, options, host, logger, place)
    : { env: options.env ?? [] };
  options = { ...options, env: fromFile.env };
  const command = place(launchCommand({ ...options, outputToFiles, sudo: grant }, remotePort));
  // Never the program's environment values in the log (they may be tokens or passwords).
  const logged = launchCommand(
    {
      ...options,
      outputToFiles,
      env: (options.env ?? []).map(({ name }) => ({ name, value: '…' })),
      // The capture module is 40 kB of Python: the log says it is there, not what it is.
      capture: false,
      sudo: grant,
    },
    remotePort,
  );
  logger.info('launching under debugpy', {
    where: connection.where,
    remotePort,
    capture: options.capture === true,
    sudo: grant !== undefined,
    command: logged,
  });
  const remote = await connection.exec(command);
  // Over a link the output mux reads the program's environment from stdin, not from argv.
  // Under sudo without the mux, the password line goes first on the program's stdin.
  if (outputToFiles) remote.stdin.end(muxStdin(options.env ?? [], grant?.password));
  else if (grant?.password !== undefined) remote.stdin.write(sudoStdin(grant));
  const output = new LaunchOutput();
  if (fromFile.notice) output.push('stderr', Buffer.from(fromFile.notice));
  remote.stdout.on('data', (chunk: Buffer) => output.push('stdout', chunk));
  remote.stderr.on('data', (chunk: Buffer) => output.push('stderr', chunk));
  const channelExit = remote.exit.then((result) => {
    if (!link) output.end();
    logger.info('remote program exited', { where: connection.where, ...result });
    return result;
  });
  // Over a link, a channel closed without a status is a dropped connection, not an exit.
  const exit = link
    ? channelExit.then((result) =>
        result.code === null && result.signal === null
          ? new Promise<RemoteExit>(() => undefined)
          : result,
      )
    : channelExit;
  let tails: Promise<void> | undefined;
  // Over a link: one tail of the mux's framed file (it ends once the mux has exited and the file
  // is read), split back into stdout and stderr in file order.
  const startTails = (pid: number): void => {
    const dir = output.outputDir;
    if (!link || dir === undefined || tails) return;
    const deframer = new OutputDeframer({
      onData: (category, chunk) => output.push(category, chunk),
      onError: (message) =>
        logger.error("the launched program's output file is damaged", {
          where: connection.where,
          error: message,
        }),
    });
    const file = `${dir}/${MUX_OUTPUT_FILE}`;
    const trim = outputTrimmer(link, file, logger, undefined, place);
    const tail: RemoteFileTail = RemoteFileTail.start(link, {
      path: file,
      fromByte: 0,
      untilPid: pid,
      ...(options.place && { place }),
      onData: (chunk) => {
        deframer.push(chunk);
        trim(tail.position);
      },
      logger,
    });
    tails = tail.done.then(async () => {
      deframer.end();
      output.end();
      await link.current?.run(place(`rm -rf ${shellQuote(dir)}`)).catch(() => undefined);
    });
  };

  const exitedEarly = (result: RemoteExit): SshError =>
    new SshError(
      'launch-failed',
      missingPart(options, host, output.stderrTail()) ??
        `the program exited before debugpy was listening (${describeExit(result)})${tail(output.stderrTail())}`,
    );
  const timeoutMs = options.listenTimeoutMs ?? 15_000;
  const notListening = (): SshError =>
    new SshError(
      'launch-failed',
      `debugpy did not start listening on port ${remotePort} of ${host} within ${timeoutMs} ms${tail(output.stderrTail())}`,
    );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(notListening()), timeoutMs + 2000);
  });
  timedOut.catch(() => undefined);
  const exitedFirst = exit.then((result) => Promise.reject(exitedEarly(result)));
  exitedFirst.catch(() => undefined);

  let pid: number | undefined;
  let wait: RemoteProcess | undefined;
  try {
    pid = await Promise.race([output.pid, exitedFirst, timedOut]);
    startTails(pid);
    wait = await connection.exec(
      place(
        shellJoin([
          options.python,
          '-c',
          WAIT_LISTENING,
          String(remotePort),
          String(timeoutMs / 1000),
        ]),
      ),
    );
    wait.stderr.resume();
    const outcome = await Promise.race([collectStdout(wait.stdout), exitedFirst, timedOut]);
    if (outcome.trim() !== 'listening') throw notListening();
  } catch (error) {
    wait?.close();
    if (pid !== undefined)
      await terminator(() => connection, pid, remotePort, exit, logger, place, grant)();
    else remote.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const current = (): SshConnection | undefined => (link ? link.current : connection);
  const ended = tails ?? channelExit.then(() => undefined);
  let programEnded = false;
  void ended.then(() => (programEnded = true));
  const kill = terminator(
    current,
    pid,
    remotePort,
    Promise.race([exit, ended]),
    logger,
    place,
    grant,
  );
  // Give the tail a moment to drain and remove the output directory, then remove it anyway.
  const terminate = async (): Promise<void> => {
    // Stop pressed while the link is down: wait for it (trying at once) rather than leave the
    // program running on the server with the user told it ended.
    if (link && !link.current && !programEnded) {
      const back = await link.whenUp(STOP_WAITS_FOR_LINK_MS);
      if (!back) {
        const note = `Periscope could not stop process ${pid} on ${host}: the SSH connection did not come back within ${STOP_WAITS_FOR_LINK_MS / 1000} s; it may still be running there.\n`;
        logger.warn('could not stop the remote program: link down', { pid, host });
        output.push('stderr', Buffer.from(note));
        return;
      }
    }
    await kill();
    const dir = output.outputDir;
    if (!tails || dir === undefined) return;
    await Promise.race([tails, new Promise((resolve) => setTimeout(resolve, 1500))]);
    await current()
      ?.run(place(`rm -rf ${shellQuote(dir)}`))
      .catch(() => undefined);
  };
  logger.info('debugpy listening', { where: connection.where, remotePort, pid });
  const outputDir = output.outputDir;
  return {
    remotePort,
    pid,
    ...(link && outputDir !== undefined
      ? {
          outputFile: `${outputDir}/${MUX_OUTPUT_FILE}`,
          writeStdin: (text: string, eof = false) =>
            writeProgramStdin(current(), `${outputDir}/stdin`, text, eof, host, place),
          ...(options.terminal && {
            resizeTerminal: (size: TerminalSize) =>
              resizeProgramTerminal(current(), outputDir, size, host, place),
          }),
        }
      : {}),
    onOutput: (listener) => output.onOutput(listener),
    exit,
    ended,
    terminate,
  };
}

/** Longest wait for the program to take what was written to its stdin, in ms. */
const STDIN_WRITE_TIMEOUT_MS = 10_000;

/**
 * Writes `text` into the program's stdin FIFO `fifo` with one `cat` over `connection`, then (with
 * `eof`) creates `<fifo>.eof` for the mux. Never leaves the `cat` behind: it is closed on timeout.
 */
async function writeProgramStdin(
  connection: SshConnection | undefined,
  fifo: string,
  text: string,
  eof: boolean,
  host: string,
  place: (command: string) => string,
): Promise<void> {
  if (!connection)
    throw new SshError(
      'ssh-failed',
      `the SSH connection to ${host} is down; type again when it is back`,
    );
  const q = shellQuote(fifo);
  // `[ -p ]`: only into the mux's FIFO (never create a plain file if the program has gone).
  const command = text === '' ? `[ -p ${q} ]` : `[ -p ${q} ] && exec cat > ${q}`;
  const writer = await connection.exec(place(command));
  writer.stdout.resume();
  writer.stderr.resume();
  writer.stdin.end(text);
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    writer.exit,
    new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), STDIN_WRITE_TIMEOUT_MS)),
    ),
  ]);
  clearTimeout(timer);
  if (result === 'timeout') {
    writer.close();
    throw new Error('the program has not read its input for 10 s; it may not be reading stdin');
  }
  if (result.code !== 0) throw new Error('the program has ended: its input is closed');
  if (eof) await connection.run(place(`: > ${shellQuote(`${fifo}.eof`)}`));
}

/** How long a stop waits for a dropped SSH link to come back to kill the program, in ms. */
export const STOP_WAITS_FOR_LINK_MS = 30_000;

/** The file of the output directory that the output mux writes its framed records to. */
export const MUX_OUTPUT_FILE = 'output';

/**
 * The shell command that starts the program, as run by `sh -c` so any login shell works. It
 * prints `<PID_MARKER> <pid>` (with `outputToFiles`: `<PID_MARKER> <pid> <directory>`) on stdout,
 * then `exec`s Python, or with `outputToFiles` the output mux (`output-mux.ts`, `-I -S`, stdout
 * `/dev/null`, stdin left on the channel for the environment line of `muxStdin` — `env` is then
 * not in the command line —, stderr left on the channel for its own failures) that runs the same
 * Python command line and writes framed records to `<directory>/`{@link MUX_OUTPUT_FILE}.
 */
export function launchCommand(
  options: Pick<
    LaunchOptions,
    | 'python'
    | 'target'
    | 'args'
    | 'cwd'
    | 'tcpNoDelay'
    | 'env'
    | 'subProcess'
    | 'pythonArgs'
    | 'stopOnEntry'
    | 'capture'
    | 'gevent'
    | 'pyramid'
    | 'terminal'
  > & {
    /** Run the program as root through sudo, with this grant (`sudo.ts`). */
    sudo?: SudoGrant | undefined;
    /**
     * Run the program under the output mux, writing its stdout/stderr as framed records to a file
     * of a fresh temp directory (named on the marker line).
     */
    outputToFiles?: boolean;
  },
  port: number,
): string {
  const target =
    options.target.kind === 'module'
      ? ['-m', options.target.module]
      : options.pyramid === true
        ? ['-m', PSERVE_MODULE, options.target.path]
        : [options.target.path];
  const python = shellJoin([
    'env',
    'PYDEVD_DISABLE_FILE_VALIDATION=1',
    // Over a pipe Python buffers stdout in 8 KiB blocks; the console must show output as it comes.
    'PYTHONUNBUFFERED=1',
    // `breakpoint()` goes to Periscope, never to pdb on a terminal nobody sees.
    'PYTHONBREAKPOINT=debugpy.breakpoint',
    // Read (and removed) by the launch's sitecustomize, part 4.
    ...(options.stopOnEntry === true ? ['PERISCOPE_STOP_ON_ENTRY=1'] : []),
    ...(options.gevent === true ? ['GEVENT_SUPPORT=True'] : []),
    // Over the mux the environment goes through stdin instead (`muxStdin`): argv is public.
    ...(options.outputToFiles === true
      ? []
      : (options.env ?? []).map((v) => `${v.name}=${v.value}`)),
    options.python,
    ...(options.pythonArgs ?? []),
    '-Xfrozen_modules=off',
    '-m',
    'debugpy',
    '--listen',
    `127.0.0.1:${port}`,
    '--wait-for-client',
    ...(options.subProcess === false ? ['--configure-subProcess', 'False'] : []),
    ...target,
    ...options.args,
  ]);
  // A missing directory or program file is named before debugpy starts (else the session would
  // start and die with debugpy's traceback). A module is not looked up: finding `a.b` imports `a`.
  const cd =
    options.cwd === ''
      ? ''
      : `{ cd ${quoteDirectory(options.cwd)} 2>/dev/null || { echo ${NO_DIRECTORY_MARKER} >&2; exit ${MISSING_EXIT}; }; } && `;
  const check =
    options.target.kind === 'file'
      ? `{ [ -f ${shellQuote(options.target.path)} ] || { echo ${NO_PROGRAM_MARKER} "$(pwd)" >&2; exit ${MISSING_EXIT}; }; } && `
      : '';
  const files = options.outputToFiles === true;
  // The output file exists before the tail starts: `tail -F` need not wait for it to appear.
  const makeOut = files
    ? `periscope_out=$(mktemp -d "\${TMPDIR:-/tmp}/periscope-out.XXXXXX") && : > "$periscope_out/${MUX_OUTPUT_FILE}" && `
    : '';
  const marker = files ? `echo "${PID_MARKER} $$ $periscope_out"` : `echo "${PID_MARKER} $$"`;
  // The mux itself never loads the hook (-I -S). It is told where the hook is (PERISCOPE_SITE)
  // and puts it in front of the PYTHONPATH of the environment it builds for the program, which
  // includes the profile's own variables (they come through stdin).
  const site = options.tcpNoDelay !== false;
  // A terminal for the program (launch.json's `console`), made by the mux (`program-terminal.ts`).
  const pty = options.terminal ? `${ptyVariable(options.terminal)} ` : '';
  // The mux's stdin stays the channel: its first line is the environment (`muxStdin`).
  const redirect = files ? ' > /dev/null' : '';
  // TCP_NODELAY for debugpy's sockets (nodelay-sitecustomize.ts): ~40 ms less per DAP message.
  const capture = options.capture === true;
  // Under sudo (`sudo.ts`): sudo goes first, and what sudo's env_reset would drop is set after
  // it — by `env` on the command line without the mux; with the mux (which is told by
  // PERISCOPE_SUDO, and sends the password and the variables on the program's stdin),
  // by the sudo_env.py stage.
  const grant = options.sudo;
  const sudo = grant ? `${shellJoin(sudoPrefix(grant))} ` : '';
  const stage = grant && files ? `${shellJoin([options.python, '-I', '-S', '-c', SUDO_ENV])} ` : '';
  const muxSudo = grant && files ? 'PERISCOPE_SUDO=1 ' : '';
  const muxEnv =
    files && (site || muxSudo !== '' || pty !== '')
      ? `env ${pty}${site ? 'PERISCOPE_SITE="$periscope_site" ' : ''}${muxSudo}`
      : '';
  const muxed = files
    ? `${muxEnv}${shellJoin([options.python, '-I', '-S', '-c', OUTPUT_MUX])} "$periscope_out/${MUX_OUTPUT_FILE}" `
    : '';
  const script =
    options.tcpNoDelay === false
      ? `${makeOut}${cd}${check}${marker} && exec ${muxed}${sudo}${stage}${python}${redirect}`
      : files
        ? `${writeNodelayHook(capture)} && ${makeOut}${cd}${check}${marker} && exec ${muxed}${sudo}${stage}${python}${redirect}`
        : `${writeNodelayHook(capture)} && ${cd}${check}${marker} && exec ${sudo}env ${nodelayPythonPath()} ${python}`;
  return `exec sh -c ${shellQuote(script)}`;
}

/**
 * The launch's environment: the remote `envFile` (read with `cat` in the launch's working
 * directory) under `env`, and a console line naming (by number only) the lines it skipped. Its
 * content never reaches a log.
 * @throws SshError `launch-failed` naming the file (or the missing working directory) when it
 *   cannot be read.
 */
/** Largest `envFile` read, in bytes (a `.env` file is a few hundred). */
const MAX_ENV_FILE_BYTES = 256 * 1024;

async function readEnvFile(
  connection: SshConnection,
  options: LaunchOptions,
  host: string,
  logger: Logger,
  place: (command: string) => string,
): Promise<{ env: { name: string; value: string }[]; notice?: string }> {
  const file = options.envFile ?? '';
  const cd =
    options.cwd === ''
      ? ''
      : `{ cd ${quoteDirectory(options.cwd)} 2>/dev/null || { echo ${NO_DIRECTORY_MARKER} >&2; exit ${MISSING_EXIT}; }; } && `;
  // Read where the program runs (inside its container, if any), at most MAX_ENV_FILE_BYTES.
  const result = await connection.run(place(`${cd}cat -- ${quoteDirectory(file)}`), {
    maxOutputBytes: MAX_ENV_FILE_BYTES + 1,
  });
  if (result.code === 0 && Buffer.byteLength(result.stdout) > MAX_ENV_FILE_BYTES)
    throw new SshError(
      'launch-failed',
      `The env file ${file} on ${host} is larger than ${MAX_ENV_FILE_BYTES / 1024} KiB; Periscope reads at most that.`,
    );
  if (result.code !== 0) {
    const missingDir = missingPart(options, host, result.stderr);
    if (missingDir) throw new SshError('launch-failed', missingDir);
    const where =
      file.startsWith('/') || file.startsWith('~')
        ? ''
        : ` (looked in ${options.cwd || 'the home directory'})`;
    const why = result.stderr.trim().replace(/^cat: /, '') || describeExit(result);
    throw new SshError(
      'launch-failed',
      `The env file "${file}" could not be read on ${host}${where}: ${why}`,
    );
  }
  const env = options.env ?? [];
  const parsed = parseEnvFile(result.stdout, env);
  logger.info('read the env file', {
    file,
    names: parsed.vars.map((v) => v.name),
    badLines: parsed.badLines,
  });
  const lines = parsed.badLines;
  return {
    env: mergeUnderEnv(parsed.vars, env),
    ...(lines.length > 0 && {
      notice: `Periscope: ${file}: line${lines.length > 1 ? 's' : ''} ${lines.join(', ')} not NAME=value, skipped\n`,
    }),
  };
}

/** Pyramid's `pserve` entry point, as a module (launch.json's `pyramid`). */
const PSERVE_MODULE = 'pyramid.scripts.pserve';

/** Quotes a directory, keeping a leading `~/` unquoted so the shell expands it. */
function quoteDirectory(dir: string): string {
  if (dir === '~') return '~';
  if (dir.startsWith('~/')) return `~/${shellQuote(dir.slice(2))}`;
  return shellQuote(dir);
}

async function pickRemotePort(
  connection: SshConnection,
  python: string,
  host: string,
  place: (command: string) => string,
): Promise<number> {
  const result = await connection.run(place(shellJoin([python, '-c', PICK_PORT])));
  const noDebugpy = /__periscope_no_debugpy__ (.*)/.exec(result.stdout);
  if (noDebugpy) {
    throw new SshError(
      'launch-failed',
      `debugpy is not importable by ${python} on ${host}: install it with \`${python} -m pip install debugpy\` (or your distribution's python3-debugpy package)`,
    );
  }
  const port = /__periscope_port__ (\d+)/.exec(result.stdout);
  if (port?.[1] !== undefined) return Number(port[1]);
  if (result.code === 127) {
    throw new SshError(
      'launch-failed',
      `the Python interpreter ${python} was not found on ${host}${tail(result.stderr.trim())}`,
    );
  }
  throw new SshError(
    'launch-failed',
    `could not run ${python} on ${host} (${describeExit(result)})${tail(result.stderr.trim())}`,
  );
}

function terminator(
  currentConnection: () => SshConnection | undefined,
  pid: number,
  remotePort: number,
  /** Settles once the program is gone (its exit status, or its output drained after it ended). */
  exit: Promise<unknown>,
  logger: Logger,
  /** Where the program runs (`LaunchOptions.place`). */
  place: (command: string) => string,
  /** The program runs as root (`sudo.ts`): the kill does too. */
  grant?: SudoGrant,
): () => Promise<void> {
  // Once the program is gone its group id and port may be reused: never kill then.
  let done = false;
  exit.then(
    () => (done = true),
    () => (done = true),
  );
  // dash's kill rejects `--`, so the group is written `-<pid>` right after the signal.
  // debugpy's adapter daemonizes into its own session and leaves once the program is gone; wait
  // for that, and kill it if it lingers (matched by its `--port <remotePort>` argument; the `[r]`
  // keeps the pattern from matching this script's own command line).
  const adapter = `debugpy/adapte[r] .*--port ${remotePort} `;
  // A leader pid that now belongs to another program (ours ended during a drop, the number was
  // reused) is left alone: only our mux or debugpy's command line is killed.
  const script = [
    `if [ -r /proc/${pid}/cmdline ] && ! tr '\\0' ' ' < /proc/${pid}/cmdline | grep -q -e debugpy -e 'periscope output mux'; then exit 0; fi`,
    `kill -TERM -${pid} 2>/dev/null`,
    'i=0',
    `while [ $i -lt 20 ] && kill -0 -${pid} 2>/dev/null; do sleep 0.1; i=$((i+1)); done`,
    // A program in a terminal has its own session (the mux's child): it is killed with it.
    `command -v pgrep >/dev/null 2>&1 && for c in $(pgrep -P ${pid}); do pkill -KILL -s "$c" 2>/dev/null; done`,
    `kill -KILL -${pid} 2>/dev/null`,
    'command -v pgrep >/dev/null 2>&1 || exit 0',
    'i=0',
    `while [ $i -lt 20 ] && pgrep -f ${shellQuote(adapter)} >/dev/null 2>&1; do sleep 0.1; i=$((i+1)); done`,
    `pkill -KILL -f ${shellQuote(adapter)} 2>/dev/null`,
    'exit 0',
  ].join('\n');
  let terminating: Promise<void> | undefined;
  return () => {
    terminating ??= (async () => {
      const connection = currentConnection();
      if (done || connection === undefined || connection.isClosed) return;
      try {
        const asRoot = grant ? `${shellJoin(sudoPrefix(grant))} ` : '';
        await connection.run(place(`exec ${asRoot}sh -c ${shellQuote(script)}`), {
          ...(grant && { stdin: sudoStdin(grant) }),
        });
      } catch (error) {
        logger.warn('could not kill the remote process group', { pid, error: errorMessage(error) });
        return;
      }
      await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 3000))]);
    })();
    return terminating;
  };
}

function collectStdout(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    stream.once('end', () => resolve(text));
    stream.once('close', () => resolve(text));
  });
}

/** What the launch script prints on stderr when the working directory does not exist. */
const NO_DIRECTORY_MARKER = '__periscope_no_directory__';
/** What it prints, with the directory it looked in, when the program file does not exist. */
const NO_PROGRAM_MARKER = '__periscope_no_program__';
/** Its exit status then. */
const MISSING_EXIT = 97;

/**
 * The sentence for a launch whose directory or program file does not exist on `host`, read off
 * the launch script's markers in `stderr`; undefined when neither is there.
 */
export function missingPart(
  options: Pick<LaunchOptions, 'target' | 'cwd'>,
  host: string,
  stderr: string,
): string | undefined {
  if (stderr.includes(NO_DIRECTORY_MARKER))
    return `The working directory "${options.cwd}" does not exist on ${host}`;
  const found = new RegExp(`${NO_PROGRAM_MARKER} (.*)`).exec(stderr);
  if (!found || options.target.kind !== 'file') return undefined;
  const path = options.target.path;
  const where = path.startsWith('/')
    ? ''
    : ` (looked in ${found[1]?.trim() || 'the home directory'})`;
  return `The program file "${path}" does not exist on ${host}${where}; check the path, or the profile's working directory`;
}

function describeExit(result: RemoteExit): string {
  if (result.signal !== null) return `killed by signal ${result.signal}`;
  if (result.code !== null) return `exit code ${result.code}`;
  return 'the connection closed';
}

function tail(stderr: string): string {
  if (stderr === '') return '';
  const last = stderr.length > 1500 ? `…${stderr.slice(-1500)}` : stderr;
  return `: ${last}`;
}
