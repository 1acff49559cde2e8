import { describe, expect, it } from 'vitest';
import {
  InjectorVerdicts,
  VERDICT_TTL_MS,
  type InjectorVerdict,
} from '../../../../../src-main/remote/probes/injector-verdicts.js';

const gdb = (ok: boolean, kept = false): InjectorVerdict => ({
  injector: 'gdb',
  path: '/usr/bin/gdb',
  ok,
  cause: ok ? '' : "Couldn't write extended state status: Bad address",
  kept,
  key: '/usr/bin/python3.11|/usr/bin/gdb',
});

describe('injector verdicts', () => {
  it('keeps what was probed, per machine, for an hour', () => {
    let now = 1_000;
    const verdicts = new InjectorVerdicts(() => now);
    verdicts.record('root@box:22', [gdb(false)]);
    expect(verdicts.get('root@box:22')).toEqual({
      '/usr/bin/python3.11|/usr/bin/gdb': {
        ok: false,
        cause: "Couldn't write extended state status: Bad address",
      },
    });
    expect(verdicts.get('root@other:22')).toEqual({});
    now += VERDICT_TTL_MS;
    expect(verdicts.get('root@box:22')).toEqual({});
  });

  it('does not refresh a verdict that was itself kept, nor keep a missing injector', () => {
    let now = 0;
    const verdicts = new InjectorVerdicts(() => now);
    verdicts.record('m', [gdb(true)]);
    now = VERDICT_TTL_MS - 1;
    verdicts.record('m', [gdb(true, true), { ...gdb(false), injector: 'lldb', key: undefined }]);
    now = VERDICT_TTL_MS;
    expect(verdicts.get('m')).toEqual({});
  });

  it('forgets the oldest machines beyond its bound', () => {
    const verdicts = new InjectorVerdicts(() => 0);
    for (let i = 0; i < 300; i++) verdicts.record(`m${i}`, [gdb(true)]);
    expect(verdicts.get('m0')).toEqual({});
    expect(Object.keys(verdicts.get('m299'))).toHaveLength(1);
  });
});
