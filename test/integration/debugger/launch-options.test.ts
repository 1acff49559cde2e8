/**
 * launch.json's debug options on a program launched over a real sshd under a real debugpy
 * (issue 18): stopOnEntry (file and module), pythonArgs, envFile (read on the remote machine,
 * under the profile's env, its values never in a log) and showReturnValue; breakpoint() and
 * debugpy.breakpoint() in the program's code, PYTHONBREAKPOINT for a process run without the
 * debugger, and a program that waits for a debugger itself.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../../harness/free-port.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import {
  childrenByName,
  launchWorld,
  localsRef,
  untilStoppedWithLocals,
  type DebuggerWorld,
  type WorldOptions,
} from './debugger-kit.js';

const programs = resolve('test/fixtures/programs/launch_options');
const entry = join(programs, 'entry.py');
/** The first line of entry.py that runs (line 1 is its docstring, which is code too). */
const ENTRY_FIRST_LINE = 1;
const inCode = join(programs, 'breakpoints_in_code.py');
/** Where breakpoint() and debugpy.breakpoint() stop: the line after each call. */
const AFTER_BREAKPOINT_LINE = 12;
const AFTER_DEBUGPY_BREAKPOINT_LINE = 14;
const waitsForClient = join(programs, 'waits_for_client.py');
const AFTER_ITS_BREAKPOINT_LINE = 10;
const returns = join(programs, 'returns.py');
const djangoPage = join(programs, 'templates', 'page.html');
const pyramidIni = join(programs, 'pyramid', 'app.ini');
const pyramidApp = join(programs, 'pyramid', 'pyramid_app.py');
/** `name = request.params.get(...)` in the view. */
const VIEW_LINE = 7;
const geventWorkers = join(programs, 'gevent_workers.py');
const GREENLET_LINE = 11;
/** `<li>{{ item }}</li>` (the template is read by both engines). */
const ITEM_LINE = 4;
const RETURN_LINE = 6;
const CALLER_LINE = 10;

describe('launch.json debug options with a real debugpy over SSH', () => {
  let sshd: TestSshd;
  let world: DebuggerWorld | undefined;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  async function launch(options: WorldOptions): Promise<DebuggerWorld> {
    world = await launchWorld(sshd, options);
    return world;
  }

  /** The program's output so far (the session's `session.output` events). */
  const output = (w: DebuggerWorld): string => w.client.output(w.session.id);
  async function untilOutput(w: DebuggerWorld, text: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!output(w).includes(text)) {
      if (Date.now() > deadline) throw new Error(`no "${text}" in the output: ${output(w)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('stopOnEntry stops on the first line of the program before it runs, reason entry', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const w = await launch({ program: entry, profile: { stopOnEntry: true } });
    const view = await untilStoppedWithLocals(w);
    expect(view.stop?.reason).toBe('entry');
    expect(view.frames[0]).toMatchObject({ line: ENTRY_FIRST_LINE });
    expect(view.frames[0]?.source?.path).toBe(entry);
    expect(output(w)).not.toContain('entry ran');
    await w.model.resume('continue');
    await untilOutput(w, 'entry ran');
    await w.until((v) => v.state === 'ended', 30_000);
  });

  it('stopOnEntry stops on the first line of a module too, and not at all when off', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const w = await launch({
      program: 'entry',
      module: true,
      cwd: programs,
      profile: { stopOnEntry: true },
    });
    const view = await untilStoppedWithLocals(w);
    expect(view.stop?.reason).toBe('entry');
    expect(view.frames[0]?.source?.path).toBe(entry);
    await w.model.resume('continue');
    await w.until((v) => v.state === 'ended', 30_000);
    await w.dispose();

    const off = await launch({ program: entry });
    await off.until((v) => v.state === 'ended', 30_000);
    expect(output(off)).toContain('entry ran');
  });

  it('pythonArgs reach the interpreter: -X dev -O', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const w = await launch({
      program: join(programs, 'flags.py'),
      profile: { pythonArgs: ['-X', 'dev', '-O'] },
    });
    await untilOutput(w, 'dev_mode=');
    expect(output(w)).toContain('dev_mode=True optimize=1');
  });

  it('envFile is read on the remote machine, under env, and its values stay out of the log', async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), 'periscope-envfile-'));
    ctx.onTestFinished(async () => {
      await world?.dispose();
      await rm(dir, { recursive: true, force: true });
    });
    await writeFile(
      join(dir, '.env'),
      '# secrets\nFROM_FILE=file-secret-1234\nBOTH=from-file\nQUOTED="two words"\nDERIVED=${FROM_FILE}-x\n',
    );
    const logged: string[] = [];
    const w = await launch({
      program: join(programs, 'env_vars.py'),
      cwd: dir,
      profile: { envFile: '.env', env: [{ name: 'BOTH', value: 'from-env' }] },
      logSink: (_level, scope, message, fields) =>
        logged.push(`${scope} ${message} ${JSON.stringify(fields ?? {})}`),
    });
    await untilOutput(w, 'DERIVED=');
    const out = output(w);
    expect(out).toContain("FROM_FILE='file-secret-1234'");
    expect(out).toContain("BOTH='from-env'");
    expect(out).toContain("QUOTED='two words'");
    expect(out).toContain("DERIVED='file-secret-1234-x'");
    const log = logged.join('\n');
    expect(log).toContain('read the env file');
    expect(log).toContain('FROM_FILE');
    expect(log).not.toContain('file-secret-1234');
    expect(log).not.toContain('from-env');
  });

  it('a missing envFile fails the launch naming the file and where it looked', async () => {
    const dir = dirname(entry);
    await expect(
      launchWorld(sshd, { program: entry, cwd: dir, profile: { envFile: 'nope.env' } }),
    ).rejects.toThrow(`The env file "nope.env" could not be read on 127.0.0.1 (looked in ${dir})`);
  });

  it('showReturnValue shows the return value in the locals after a step out', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    for (const show of [true, false]) {
      const w = await launch({
        program: returns,
        breakpoints: [{ path: returns, lines: [RETURN_LINE] }],
        profile: { showReturnValue: show },
      });
      await untilStoppedWithLocals(w, RETURN_LINE);
      await w.model.resume('stepOut');
      const view = await untilStoppedWithLocals(w, CALLER_LINE);
      const locals = childrenByName(view, localsRef(view));
      if (show) expect(locals['(return) total']?.value).toBe('12');
      else expect(Object.keys(locals).filter((n) => n.startsWith('(return)'))).toEqual([]);
      await w.dispose();
    }
  });

  it('breakpoint() and debugpy.breakpoint() in the code stop; a child without the debugger goes on', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    // subProcess off: the child runs without the debugger, so only PYTHONBREAKPOINT keeps its
    // breakpoint() from starting pdb on a terminal nobody sees.
    const w = await launch({ program: inCode, profile: { subProcess: false } });
    let view = await untilStoppedWithLocals(w, AFTER_BREAKPOINT_LINE);
    expect(childrenByName(view, localsRef(view)).first?.value).toBe("'builtin'");
    await w.model.resume('continue');
    view = await untilStoppedWithLocals(w, AFTER_DEBUGPY_BREAKPOINT_LINE);
    expect(childrenByName(view, localsRef(view)).second?.value).toBe("'debugpy'");
    await w.model.resume('continue');
    await untilOutput(w, 'child went on 0 builtin debugpy');
  });

  it('a program that calls debugpy.listen() and wait_for_client() itself goes on, and says why', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const w = await launch({ program: waitsForClient });
    const view = await untilStoppedWithLocals(w, AFTER_ITS_BREAKPOINT_LINE);
    expect(childrenByName(view, localsRef(view)).x?.value).toBe('1');
    // The output comes through the tail of the mux's file, which may trail the stop.
    await untilOutput(
      w,
      'Periscope: the program called debugpy.wait_for_client(); Periscope is its debugger already, so it goes on.',
    );
    await untilOutput(w, 'debugger attached');
    await w.model.resume('continue');
    await untilOutput(w, 'after debugpy.breakpoint');
  });

  it.each([
    ['django', join(programs, 'django_template.py'), djangoPage],
    ['jinja', join(programs, 'jinja_template.py'), djangoPage],
  ] as const)(
    '%s: a breakpoint on a template line stops when it renders, with the template context',
    async (option, program, template) => {
      onTestFinished(() => world?.dispose());
      const w = await launch({
        program,
        breakpoints: [{ path: template, lines: [ITEM_LINE] }],
        profile: { [option]: true },
      });
      const view = await untilStoppedWithLocals(w, ITEM_LINE);
      expect(view.frames[0]?.source?.path).toBe(template);
      const context = childrenByName(view, localsRef(view));
      expect(context.item?.value).toBe("'apple'");
      expect(context.title?.value).toBe("'Fruit'");
      await w.model.resume('continue');
      const again = await untilStoppedWithLocals(w, ITEM_LINE);
      expect(childrenByName(again, localsRef(again)).item?.value).toBe("'pear'");
      await w.model.resume('continue');
      await untilOutput(w, '<li>pear</li>');
    },
  );

  it('gevent: a breakpoint in a greenlet stops in each greenlet, without the warning of pydevd or phantom threads', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const launchIt = (gevent: boolean) =>
      launch({
        program: geventWorkers,
        breakpoints: [{ path: geventWorkers, lines: [GREENLET_LINE] }],
        profile: { gevent },
      });
    // Without it: pydevd asks for GEVENT_SUPPORT and lists each greenlet switch as a thread.
    const off = await launchIt(false);
    await untilOutput(off, 'GEVENT_SUPPORT=True');
    await off.dispose();

    const w = await launchIt(true);
    // Each of the three greenlets stops at the breakpoint in turn (Periscope's faster pydevd
    // wait once ran the others on gevent's hub while one was suspended, and they never stopped).
    for (const n of ['0', '1', '2']) {
      const view = await untilStoppedWithLocals(w, GREENLET_LINE);
      expect(childrenByName(view, localsRef(view)).n?.value).toBe(n);
      expect(view.threads.map((t) => t.name)).toEqual(['MainThread']);
      await w.model.resume('continue');
    }
    await untilOutput(w, 'gevent results [0, 10, 20]');
    expect(output(w)).not.toContain('GEVENT_SUPPORT');
  });

  it('pyramid: the .ini is served by pserve, and a breakpoint in a view stops on a request', async (ctx) => {
    ctx.onTestFinished(() => world?.dispose());
    const port = await freePort();
    const w = await launch({
      program: pyramidIni,
      args: [`http_port=${port}`],
      cwd: dirname(pyramidIni),
      breakpoints: [{ path: pyramidApp, lines: [VIEW_LINE] }],
      profile: { pyramid: true },
    });
    await untilOutput(w, 'Starting server in PID');
    // waitress listens just after pserve says so: ask until it answers.
    const ask = async (): Promise<string> => {
      for (let i = 0; ; i++) {
        try {
          return await (await fetch(`http://127.0.0.1:${port}/?name=periscope`)).text();
        } catch (error) {
          if (i > 100) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const response = ask();
    const view = await untilStoppedWithLocals(w, VIEW_LINE);
    expect(view.frames[0]?.name).toBe('hello');
    expect(childrenByName(view, localsRef(view)).request).toBeDefined();
    await w.model.resume('continue');
    expect(await response).toBe('hello periscope');
  });
});
