/**
 * Preflight: before a launch or an attach, check over SSH each thing it needs and name what is
 * wrong: the server answers and its host key is accepted, authentication,
 * the profile's Python runs (version), debugpy imports (version; if not, exactly how to install
 * it), the port, and for attach-to-process that ptrace is permitted (Yama's
 * `/proc/sys/kernel/yama/ptrace_scope`, see the kernel's `Documentation/admin-guide/LSM/Yama.rst`;
 * absent = no Yama = not restricted) and which injector works: gdb and lldb are each proved on
 * a throwaway process of the target's interpreter (`remote/probes/debugpy-injector.ts`), never
 * on the target. One SSH connection; a failed check never throws.
 */
import type {
  PreflightCheck,
  PreflightCheckId,
  PreflightParams,
  PreflightResult,
} from '../../../src-common/protocol/connections.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellQuote } from '../../ssh/exec/shell-quote.js';
import { errorMessage } from '../../../src-common/errors.js';
import PROBE from '../python/preflight_probe.py';
import { probeInjectors, type InjectContext, type InjectorProbe } from './debugpy-injector.js';
import { INJECTORS, type InjectorVerdicts } from './injector-verdicts.js';
import type { Logger } from '../../log/logger.js';
import { containerPlace, type ContainerPlace } from '../containers/container-place.js';
import { CONTAINER_CHECKS, checkContainer } from '../containers/container-preflight.js';
import { sudoNeeds } from './sudo-probe.js';
import { checkDebugpyCopy } from '../containers/debugpy-copy-check.js';

const LABELS: Record<PreflightCheckId, string> = {
  ssh: 'SSH server reachable',
  auth: 'Authentication',
  python: 'Remote Python',
  debugpy: 'debugpy importable',
  port: 'Port',
  ptrace: 'ptrace permitted',
  gdb: 'gdb (injector)',
  lldb: 'lldb (injector)',
  engine: 'Container engine',
  'engine-socket': 'Container engine access',
  container: 'Container running',
  sudo: 'sudo',
};

/** What the probe's one line of output starts with (its `MARKER`). */
export const PROBE_MARKER = '__periscope_preflight__ ';

interface ProbeResult {
  python: string;
  executable: string;
  uid: number;
  debugpy?: string;
  debugpyError?: string;
  portFree: boolean;
  port?: number;
  portError?: string;
  ptraceScope?: string | null;
  pidAlive?: boolean;
  pidError?: string;
}

/** What the injector checks need besides the connection. */
export interface PreflightOptions {
  /** Where the injector verdicts found are kept for the attach that follows. */
  verdicts: InjectorVerdicts;
  logger: Logger;
}

/** Adds one check to the result. */
type Add = (
  id: PreflightCheckId,
  status: PreflightCheck['status'],
  detail: string,
  fix?: string,
) => void;

/** An SSH-layer failure as the connector reports it (`SshError` has a `code`). */
interface CodedError {
  code?: unknown;
}

/**
 * Runs the checks for `params` on `profile`'s machine, connecting with `connect` (which asks the
 * user about host keys and secrets) and closing the connection afterwards. Never rejects.
 */
export async function runPreflight(
  profile: Profile,
  params: PreflightParams,
  connect: () => Promise<SshConnection>,
  options: PreflightOptions,
): Promise<PreflightResult> {
  const checks: PreflightCheck[] = [];
  const add: Add = (id, status, detail, fix) =>
    checks.push({ id, label: LABELS[id], status, detail, ...(fix ? { fix } : {}) });
  const skipRest = (from: PreflightCheckId[]): void => {
    for (const id of from) add(id, 'skipped', 'not checked: an earlier check failed');
  };
  const place = params.container ? containerPlace(params.container, profile.python) : undefined;
  const inside: PreflightCheckId[] =
    params.mode === 'attach-pid'
      ? ['python', 'debugpy', 'port', 'ptrace', ...INJECTORS]
      : ['python', 'debugpy', 'port'];
  // The profile's sudo, for a launch on the machine (in a container it is `exec -u 0`).
  const sudo = profile.sudo && params.mode === 'launch' && !place;
  if (sudo) inside.push('sudo');
  const later: PreflightCheckId[] = [...(place ? CONTAINER_CHECKS : []), ...inside];
  const address = `${profile.user}@${profile.host}:${profile.port}`;

  let connection: SshConnection;
  try {
    connection = await connect();
  } catch (error) {
    const code = (error as CodedError).code;
    const message = errorMessage(error);
    if (code === 'auth-failed') {
      add('ssh', 'ok', `${address} answered and its host key was accepted`);
      add('auth', 'failed', message, authFix(profile));
    } else if (typeof code === 'string' && code.startsWith('host-key')) {
      add('ssh', 'failed', `host key problem: ${message}`);
      add('auth', 'skipped', 'not checked: the host key was not accepted');
    } else {
      add(
        'ssh',
        'failed',
        message,
        'Check the host name, port and jump hosts, and that sshd runs there.',
      );
      add('auth', 'skipped', 'not checked: no SSH connection');
    }
    skipRest(later);
    return { ok: false, checks };
  }
  add('ssh', 'ok', `${address} answered and its host key was accepted`);
  add('auth', 'ok', `logged in as ${profile.user} (${profile.auth.kind})`);
  const python = place?.python ?? profile.python;
  try {
    if (place && !(await checkContainer(connection, place, add))) {
      skipRest(inside);
      return { ok: false, checks };
    }
    const probe = await runProbe(connection, python, params, place);
    if ('missing' in probe) {
      add(
        'python',
        'failed',
        probe.missing,
        place
          ? `Set the container target's Python to an interpreter that exists in ${place.label}, e.g. /usr/local/bin/python3 (see \`${place.cli} exec ${place.target.name} sh -c 'command -v python3'\`).`
          : `Set the profile's Python to an interpreter that exists on ${profile.host}, e.g. /usr/bin/python3 (see \`command -v python3\` there).`,
      );
      skipRest(later.slice(later.indexOf('python') + 1));
    } else {
      judge(probe, python, params, add, place);
      if (sudo) await checkSudo(connection, python, profile, add);
      if (place?.target.copyDebugpy && params.mode === 'launch' && !probe.debugpy) {
        const verdict = await checkDebugpyCopy(connection, place, profile.python, probe.python);
        const row = checks.find((c) => c.id === 'debugpy');
        if (row) {
          delete row.fix;
          Object.assign(row, verdict);
        }
      }
      if (params.mode === 'attach-pid') {
        const context: InjectContext = {
          connection,
          python,
          // The attach's key (`tracer/attach-tracer.ts`): verdicts are per container too.
          machine: `${profile.user}@${profile.host}:${profile.port}${place ? ` ${place.label}` : ''}`,
          host: profile.host,
          env: profile.env,
          verdicts: options.verdicts,
          logger: options.logger,
          ...(place && { place: (command: string) => place.wrap(command) }),
        };
        await checkInjectors(checks, context, params.pid, add);
        if (place) adviseContainerPtrace(checks, place);
      }
    }
  } catch (error) {
    add('python', 'failed', `could not run the check: ${errorMessage(error)}`);
    skipRest(later.slice(later.indexOf('python') + 1));
  } finally {
    await connection.close().catch(() => undefined);
  }
  return { ok: checks.every((c) => c.status !== 'failed'), checks };
}

/** The `sudo` check: what the launch will need, or why sudo will not run the program. */
async function checkSudo(
  connection: SshConnection,
  python: string,
  profile: Profile,
  add: Add,
): Promise<void> {
  try {
    const needs = await sudoNeeds(connection, python);
    add(
      'sudo',
      'ok',
      needs === 'nothing'
        ? `sudo runs ${python} as root for ${profile.user} without a password`
        : `sudo needs the password of ${profile.user}: it is asked when the program starts`,
    );
  } catch (error) {
    add(
      'sudo',
      'failed',
      errorMessage(error),
      `Ask the administrator of ${profile.host} for a sudoers rule (e.g. \`${profile.user} ALL=(ALL) ALL\`), or turn off "sudo" in the profile.`,
    );
  }
}

async function runProbe(
  connection: SshConnection,
  python: string,
  params: PreflightParams,
  place?: ContainerPlace,
): Promise<ProbeResult | { missing: string }> {
  const py = shellQuote(python);
  const args = [params.mode, String(params.port ?? 0), String(params.pid ?? 0)].map(shellQuote);
  const command = `if command -v ${py} >/dev/null 2>&1; then exec ${py} -c ${shellQuote(PROBE)} ${args.join(' ')}; else echo __periscope_no_python__; fi`;
  const result = await connection.run(place ? place.wrap(command) : command, {
    maxOutputBytes: 64 * 1024,
  });
  if (result.stdout.includes('__periscope_no_python__'))
    return {
      missing: `"${python}" was not found ${place ? `in ${place.label}` : 'on the remote machine'} (not a file, not on PATH)`,
    };
  const line = result.stdout.split('\n').find((l) => l.startsWith(PROBE_MARKER));
  if (!line) {
    const why = result.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${result.code}`;
    return { missing: `"${python}" did not run the check: ${why}` };
  }
  return JSON.parse(line.slice(PROBE_MARKER.length)) as ProbeResult;
}

function judge(
  probe: ProbeResult,
  python: string,
  params: PreflightParams,
  add: Add,
  place?: ContainerPlace,
): void {
  add(
    'python',
    'ok',
    `Python ${probe.python} at ${probe.executable}${place ? ` in ${place.label}` : ''}`,
  );
  if (probe.debugpy) add('debugpy', 'ok', `debugpy ${probe.debugpy}`);
  else if (place && params.mode === 'attach-port')
    // The bridge needs only Python; the program listening brought its own debugpy.
    add(
      'debugpy',
      'warning',
      `${python} in ${place.label} cannot import debugpy (${probe.debugpyError ?? 'import failed'}); not needed to attach to a port: the program that listens has its own`,
    );
  else
    add(
      'debugpy',
      'failed',
      `debugpy is not installed for ${probe.executable}${place ? ` in ${place.label}` : ''} (${probe.debugpyError ?? 'import failed'})`,
      place
        ? `Let Periscope copy the machine's debugpy into the container for the session ("Copy the machine's debugpy in"; the container target's copyDebugpy), or add debugpy to the container's image (\`${python} -m pip install debugpy\` in its Dockerfile), or for this container only: \`${place.cli} exec ${place.target.name} ${python} -m pip install debugpy\`.`
        : `Install it on the remote machine: \`${python} -m pip install debugpy\`, or on Debian/Ubuntu the distribution package: \`sudo apt install python3-debugpy\` (for the system /usr/bin/python3).`,
    );

  if (params.mode === 'attach-port') {
    const port = params.port ?? 0;
    const where = place ? `inside ${place.label}` : 'of the remote machine';
    if (probe.portFree)
      add(
        'port',
        'failed',
        `nothing listens on 127.0.0.1:${port} ${where}`,
        `Start the program with \`${python} -m debugpy --listen 127.0.0.1:${port} program.py\`${place ? ' inside the container' : ''} first (or \`debugpy.listen(("127.0.0.1", ${port}))\` in it), or check the port number.`,
      );
    else add('port', 'ok', `something listens on 127.0.0.1:${port} ${where} (debugpy, presumably)`);
  } else if (probe.portFree) {
    add(
      'port',
      'ok',
      params.port
        ? `127.0.0.1:${params.port} is free`
        : `a free port was found (e.g. ${probe.port})`,
    );
  } else {
    add(
      'port',
      'failed',
      `127.0.0.1:${params.port ?? 0} is taken on the remote machine (${probe.portError ?? 'in use'})`,
      'Choose another port, or leave it empty to let Periscope pick a free one.',
    );
  }

  if (params.mode !== 'attach-pid') return;
  judgePtrace(probe, params.pid ?? 0, add);
}

/**
 * The `gdb` and `lldb` checks: each proved on a throwaway process, unless an earlier check
 * already says an attach cannot work (then skipped).
 */
async function checkInjectors(
  checks: readonly PreflightCheck[],
  context: InjectContext,
  pid: number | undefined,
  add: Add,
): Promise<void> {
  if (checks.some((c) => c.status === 'failed')) {
    for (const id of INJECTORS) add(id, 'skipped', 'not checked: an earlier check failed');
    return;
  }
  let probe: InjectorProbe;
  try {
    probe = await probeInjectors(context, pid || undefined);
  } catch (error) {
    for (const id of INJECTORS) add(id, 'failed', `could not be checked: ${errorMessage(error)}`);
    return;
  }
  judgeInjectors(probe, context.python, add);
}

/**
 * In a container no injector working is most often the container's doing: no ptrace for it
 * (Docker's default seccomp profile on old kernels, `--cap-drop`, a Yama `ptrace_scope` of 1
 * without `CAP_SYS_PTRACE`). Says so on the failed injector rows that have no fix yet.
 */
function adviseContainerPtrace(checks: PreflightCheck[], place: ContainerPlace): void {
  if (checks.some((c) => INJECTORS.includes(c.id as never) && c.status === 'ok')) return;
  for (const check of checks)
    if (INJECTORS.includes(check.id as never) && check.status === 'failed')
      check.fix = `${place.label} may not allow ptrace: re-create it with \`--cap-add SYS_PTRACE\` (and a seccomp profile that allows ptrace), or launch the program from Periscope into the container instead.${check.fix ? ` ${check.fix}` : ''}`;
}

/** One row per injector: the one that will be used, the others and why not. */
export function judgeInjectors(probe: InjectorProbe, python: string, add: Add): void {
  const chosen = probe.injectors.find((v) => v.ok);
  const on = probe.executable ? ` on ${probe.executable}` : '';
  for (const v of probe.injectors) {
    const where = v.path ?? v.injector;
    if (v.ok)
      add(
        v.injector,
        'ok',
        v === chosen
          ? `${where} injects${on} (proved on a test process); attach will use it`
          : `${where} also injects${on}`,
      );
    else if (chosen && v.missing)
      add(v.injector, 'skipped', `not installed; not needed, ${chosen.injector} works`);
    else if (chosen)
      add(
        v.injector,
        'warning',
        `${where} cannot inject here: ${v.cause}; ${chosen.injector} will be used instead`,
      );
    else
      add(
        v.injector,
        'failed',
        v.missing
          ? 'not installed (not on the remote PATH)'
          : `${where} cannot inject here: ${v.cause}`,
        v.injector === 'lldb'
          ? `Install lldb on the remote machine (\`sudo apt install lldb\`), or start the program with \`${python} -m debugpy --listen 127.0.0.1:5678 app.py\` and attach to its port.`
          : undefined,
      );
  }
}

function judgePtrace(probe: ProbeResult, pid: number, add: Add): void {
  if (pid > 0 && probe.pidAlive === false) {
    add(
      'ptrace',
      'failed',
      `process ${pid}: ${probe.pidError ?? 'not found'}`,
      // os.strerror(EPERM) is "Operation not permitted": the process is another user's.
      /not permitted|permission/i.test(probe.pidError ?? '')
        ? 'The process belongs to another user: log in as that user (or root) to attach to it.'
        : 'Pick a running process from the list.',
    );
    return;
  }
  const scope = probe.ptraceScope;
  const root = probe.uid === 0;
  const sysctl = 'sudo sysctl -w kernel.yama.ptrace_scope=0';
  if (scope === null || scope === undefined)
    add('ptrace', 'ok', 'not restricted: this kernel has no Yama ptrace_scope');
  else if (scope === '0') add('ptrace', 'ok', 'ptrace_scope is 0 (classic ptrace permissions)');
  else if ((scope === '1' || scope === '2') && root)
    add('ptrace', 'ok', `ptrace_scope is ${scope}, and you are root`);
  else if (scope === '1')
    add(
      'ptrace',
      'failed',
      'ptrace_scope is 1: only a parent process may attach, so gdb cannot attach to this process',
      `Run \`${sysctl}\` on the remote machine (until reboot), or log in as root.`,
    );
  else if (scope === '2')
    add(
      'ptrace',
      'failed',
      'ptrace_scope is 2: only root may attach to processes',
      `Log in as root, or run \`${sysctl}\`.`,
    );
  else
    add(
      'ptrace',
      'failed',
      `ptrace_scope is ${scope}: attaching is disabled until the machine reboots`,
      'Set kernel.yama.ptrace_scope to 0 in /etc/sysctl.d and reboot, or start the program under Periscope instead.',
    );
}

function authFix(profile: Profile): string {
  switch (profile.auth.kind) {
    case 'agent':
      return 'Check that ssh-agent runs and holds a key the server accepts (`ssh-add -l`).';
    case 'key':
      return `Check that ${profile.auth.keyPath} is in ~/.ssh/authorized_keys of ${profile.user} on ${profile.host}.`;
    default:
      return `Check the user name "${profile.user}" and the password.`;
  }
}
