/**
 * The remote tail script (`tail-script.ts`) run by a real `sh` with real GNU `tail` and `stat`:
 * `~/` expands to HOME, it starts at the next unread byte of the same file and at byte 0 of a
 * rotated or truncated one, its marker line parses, it kills only the old tails it is given
 * (checked by command line), and tail's file-switch notices are recognised.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remotePathWord } from '../../../../../src-main/ssh/exec/remote-path.js';
import {
  parseTailMarker,
  reapScript,
  tailScript,
  tailSwitchOf,
} from '../../../../../src-main/remote/tail/tail-script.js';

let home: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'periscope-tail-script-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(home, { recursive: true, force: true });
});

/** Runs `script` with `sh -c` and HOME = the temp dir; resolves with stdout. */
function sh(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', script],
      { env: { PATH: '/usr/bin:/bin', HOME: home }, timeout: 10_000 },
      (error, stdout) => {
        if (error) reject(new Error(error.message));
        else resolve(stdout);
      },
    );
  });
}

/** `tail --pid` of a process that is gone: tail prints from its start byte and exits. */
const GONE_PID = 2 ** 22 + 12345;

async function identity(file: string): Promise<string> {
  const s = await stat(file);
  return `${s.dev}:${s.ino}`;
}

describe('remotePathWord', () => {
  it('expands ~/ and ~ to the home directory, quotes everything else', async () => {
    expect(remotePathWord('/var/log/app.log')).toBe('/var/log/app.log');
    expect(remotePathWord("~/my app's.log")).toBe(`"$HOME"/'my app'\\''s.log'`);
    expect(await sh(`printf %s ${remotePathWord("~/my app's.log")}`)).toBe(`${home}/my app's.log`);
    expect(await sh(`printf %s ${remotePathWord('~')}`)).toBe(home);
    expect(await sh(`printf %s ${remotePathWord('/x/~/$HOME')}`)).toBe('/x/~/$HOME');
  });
});

describe('tailScript', () => {
  it('follows ~/… in the home directory from the next unread byte of the same file', async () => {
    await writeFile(path.join(home, 'app log.txt'), 'one\ntwo\nthree\n');
    const id = await identity(path.join(home, 'app log.txt'));
    const out = await sh(
      tailScript({ path: '~/app log.txt', offset: 4, identity: id, untilPid: GONE_PID, reap: [] }),
    );
    const found = parseTailMarker(Buffer.from(out));
    expect(found?.marker).toMatchObject({
      from: 4,
      identity: id,
      size: 14,
      merged: true,
      name: `${home}/app log.txt`,
    });
    expect(found?.marker.pid).toBeGreaterThan(0);
    expect(out.slice(found!.length)).toBe('two\nthree\n');
  });

  it('starts at byte 0 of a rotated file, and of a file shorter than what was read', async () => {
    const file = path.join(home, 'rotated.log');
    await writeFile(file, 'old 1\nold 2\nold 3\n');
    const oldId = await identity(file);
    await rename(file, `${file}.1`);
    await writeFile(file, 'new 1\nnew 2\nnew 3\nnew 4\n'); // longer than the old: inode tells
    const rotated = await sh(
      tailScript({ path: file, offset: 12, identity: oldId, untilPid: GONE_PID, reap: [] }),
    );
    const marker = parseTailMarker(Buffer.from(rotated))!;
    expect(marker.marker.from).toBe(0);
    expect(marker.marker.identity).toBe(await identity(file));
    expect(rotated.slice(marker.length)).toBe('new 1\nnew 2\nnew 3\nnew 4\n');

    await writeFile(file, 'short\n'); // truncated in place: same inode, smaller
    const truncated = await sh(
      tailScript({ path: file, offset: 12, identity: undefined, untilPid: GONE_PID, reap: [] }),
    );
    expect(parseTailMarker(Buffer.from(truncated))?.marker.from).toBe(0);
    expect(truncated).toMatch(/\nshort\n$/);
  });

  it('reports a missing file as such and would read the next one whole', async () => {
    const script = tailScript({
      path: path.join(home, 'absent.log'),
      offset: 50,
      identity: '1:2',
      untilPid: GONE_PID,
      reap: [],
    });
    const out = await sh(script.replace(/\nif \[ "\$m" = 1 \][\s\S]*$/, ''));
    expect(parseTailMarker(Buffer.from(out))?.marker).toMatchObject({
      from: 0,
      identity: undefined,
      size: undefined,
    });
  });

  it("merges tail's notices into its stdout, except for a name tail would escape", async () => {
    const plain = path.join(home, 'gone.log');
    // tail gives up on a missing file once --pid's process is gone: exit code 1.
    const merged = await sh(
      `(${tailScript({ path: plain, offset: 0, identity: undefined, untilPid: GONE_PID, reap: [] })}); exit 0`,
    );
    expect(parseTailMarker(Buffer.from(merged))?.marker.merged).toBe(true);
    // tail's own words about the missing file, in the same stream, quoted as tail-notices expects.
    expect(merged).toContain(`tail: cannot open '${plain}' for reading`);
    const odd = path.join(home, 'jour\u00e9.log');
    const apart = await sh(
      `(${tailScript({ path: odd, offset: 0, identity: undefined, untilPid: GONE_PID, reap: [] })}) 2>/dev/null; exit 0`,
    );
    expect(parseTailMarker(Buffer.from(apart))?.marker.merged).toBe(false);
    expect(apart).not.toContain('cannot open');
  });

  it('refuses an identity that is not dev:ino (it is written into the script)', () => {
    expect(() =>
      tailScript({ path: '/x', offset: 0, identity: '1:2; rm -rf /', reap: [] }),
    ).toThrow(/not a dev:ino/);
  });
});

describe('reapScript', () => {
  it('kills the given tails of the file and nothing else', async () => {
    const file = path.join(home, 'reap me.log');
    await writeFile(file, 'x\n');
    const mine = spawn('tail', ['-c', '+1', '-s', '0.2', '-F', file], { stdio: 'ignore' });
    const other = spawn('tail', ['-c', '+1', '-s', '0.2', '-F', `${file}.other`], {
      stdio: 'ignore',
    });
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(mine, other, sleeper);
    const exited = (child: ChildProcess): Promise<string | null> =>
      new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const mineGone = exited(mine);
    await new Promise((r) => setTimeout(r, 200));
    await sh(reapScript(file, [mine.pid!, other.pid!, sleeper.pid!, GONE_PID]));
    expect(await mineGone).toBe('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(other.exitCode).toBeNull();
    expect(other.signalCode).toBeNull();
    expect(sleeper.signalCode).toBeNull();
  });
});

describe('parseTailMarker', () => {
  it('waits for a whole line, skips what a login shell printed first, keeps the data after', () => {
    expect(parseTailMarker(Buffer.from('__periscope_tail__ 12 1 5:6'))).toBeUndefined();
    const head = Buffer.from(
      'Welcome!\n__periscope_tail__ 12 7 5:6 100 1 /var/log/a b.log\nfile data',
    );
    const found = parseTailMarker(head)!;
    expect(found.marker).toEqual({
      pid: 12,
      from: 6,
      identity: '5:6',
      size: 100,
      merged: true,
      name: '/var/log/a b.log',
    });
    expect(head.subarray(found.length).toString()).toBe('file data');
    expect(parseTailMarker(Buffer.from('__periscope_tail__ 12 1 - - 0 x\n'))?.marker).toEqual({
      pid: 12,
      from: 0,
      identity: undefined,
      size: undefined,
      merged: false,
      name: 'x',
    });
  });
});

describe('tailSwitchOf', () => {
  it("recognises GNU tail's notices that it reads a file from its start", () => {
    expect(tailSwitchOf('tail: app.log: file truncated\n')).toBe('truncated');
    expect(tailSwitchOf("tail: 'app.log' has been replaced;  following new file\n")).toBe(
      'new-file',
    );
    expect(tailSwitchOf("tail: 'app.log' has appeared;  following new file\n")).toBe('new-file');
    expect(tailSwitchOf("tail: 'app.log' has become accessible\n")).toBe('new-file');
    expect(
      tailSwitchOf("tail: 'app.log' has become inaccessible: No such file or directory\n"),
    ).toBe('gone');
    expect(
      tailSwitchOf("tail: cannot open 'app.log' for reading: No such file or directory\n"),
    ).toBeUndefined();
    expect(tailSwitchOf('tail: inotify cannot be used, reverting to polling\n')).toBeUndefined();
  });
});
