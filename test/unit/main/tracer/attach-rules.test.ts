import { describe, expect, it } from 'vitest';
import { withPeriscopeRules } from '../../../../src-main/tracer/attach-handshake.js';
import { HOOK_STEPPING_RULE } from '../../../../src-main/remote/launch/nodelay-sitecustomize.js';

describe('attach arguments: Periscope stepping rules', () => {
  it('adds the launch hook rule after the rules given, once', () => {
    const mine = { module: 'vendored', include: false };
    const args = withPeriscopeRules({ justMyCode: true, rules: [mine] });
    expect(args['rules']).toEqual([mine, HOOK_STEPPING_RULE]);
    expect(withPeriscopeRules(args)['rules']).toEqual([mine, HOOK_STEPPING_RULE]);
    expect(withPeriscopeRules({ justMyCode: false })).toEqual({
      justMyCode: false,
      rules: [HOOK_STEPPING_RULE],
    });
  });
});
