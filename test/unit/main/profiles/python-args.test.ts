/** Interpreter flags a profile may carry (`pythonArgsProblem`, `src-main/profiles/profile-schema.ts`). */
import { describe, expect, it } from 'vitest';
import { pythonArgsProblem } from '../../../../src-main/profiles/profile-schema.js';

describe('pythonArgs', () => {
  it('takes flags, combined flags and the values of -X and -W', () => {
    for (const flags of [
      [],
      ['-O'],
      ['-X', 'dev'],
      ['-Xdev', '-B'],
      ['-OB', '-W', 'ignore::DeprecationWarning'],
      ['-u', '--check-hash-based-pycs', 'never'],
    ])
      expect(pythonArgsProblem(flags)).toBeNull();
  });

  it('refuses what would run something else or switch off the start-up hook', () => {
    expect(pythonArgsProblem(['-m', 'http.server'])).toMatch(/would run something else/);
    expect(pythonArgsProblem(['-Oc', 'print(1)'])).toMatch(/would run something else/);
    expect(pythonArgsProblem(['app.py'])).toMatch(/is not an interpreter flag/);
    expect(pythonArgsProblem(['-'])).toMatch(/is not an interpreter flag/);
    expect(pythonArgsProblem(['-I'])).toMatch(/-I would turn off Periscope's start-up hook/);
    expect(pythonArgsProblem(['-OE'])).toMatch(/-E would turn off/);
    expect(pythonArgsProblem(['-S'])).toMatch(/-S would turn off/);
  });
});
