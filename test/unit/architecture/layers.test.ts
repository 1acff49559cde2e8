/**
 * The import rules of `.dependency-cruiser.cjs` (run by `npm run lint`) catch what they are for:
 * each is run, with the real rule file, on a tiny tree written to a temporary directory that
 * copies the folder names of the real one — a tree that keeps the rules, then one forbidden
 * import or cycle at a time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = path.join(root, '.dependency-cruiser.cjs');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A tree that keeps every rule: each file imports only what its folder may. */
const lawful: Record<string, string> = {
  'src-common/net.ts': 'export const LOOPBACK = "127.0.0.1";',
  'src-main/log/logger.ts': 'export const log = (line: string): string => line;',
  'src-main/relay/session.ts': [
    "import { log } from '../log/logger.js';",
    "import { LOOPBACK } from '../../src-common/net.js';",
    'export const session = log(LOOPBACK);',
  ].join('\n'),
  'src-main/ssh/ssh-error.ts': 'export class SshError extends Error {}',
  'src-main/ssh/exec/process.ts': "export { SshError } from '../ssh-error.js';",
  'src-main/ssh/connection/hop.ts': 'export const hop = 1;',
  'src-main/ssh/connection/connection.ts': [
    "import { hop } from './hop.js';",
    "import { SshError } from '../exec/process.js';",
    'export const connection = [hop, SshError];',
  ].join('\n'),
  'src-main/tracer/listener.ts': 'export class Listener {}',
  'src-main/forwards/dial-in.ts': [
    "import type { Listener } from '../tracer/listener.js';",
    'export type Accept = (to: Listener) => void;',
  ].join('\n'),
  'src-renderer/stores/sessions.ts': 'export const sessions: string[] = [];',
  'src-renderer/panels/sessions/view.ts': [
    "import { sessions } from '../../stores/sessions.js';",
    'export const rows = sessions.length;',
  ].join('\n'),
  'src-renderer/panels/watch/view.ts': 'export const rows = 0;',
  'src-renderer/panel.ts': [
    "import { LOOPBACK } from '../src-common/net.js';",
    'export const host = LOOPBACK;',
  ].join('\n'),
};

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** Runs depcruise with the real rules on `files` (added to the lawful tree); its violations. */
function violations(files: Record<string, string>): Violation[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'periscope-layers-'));
  dirs.push(dir);
  const tree = { ...lawful, ...files };
  for (const [file, source] of Object.entries(tree)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), `${source}\n`);
  }
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true },
      include: ['**/*.ts'],
    }),
  );
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      [
        depcruise,
        '--config',
        config,
        '--output-type',
        'json',
        'src-common',
        'src-main',
        'src-renderer',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
  } catch (error) {
    // depcruise exits non-zero when it finds violations; the report is on stdout all the same.
    out = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(out) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

// Each case starts Node and depcruise (about a second; several on a busy machine).
describe('the layer rules (.dependency-cruiser.cjs)', { timeout: 30_000 }, () => {
  it('pass a tree that keeps them', () => {
    expect(violations({})).toEqual([]);
  });

  it('fail an import of a folder above: log/ importing relay/', () => {
    expect(
      violations({
        'src-main/log/logger.ts': [
          "import { session } from '../relay/session.js';",
          'export const log = (line: string): string => line + String(session);',
        ].join('\n'),
      }),
    ).toContainEqual({
      rule: 'layer:src-main/log',
      from: 'src-main/log/logger.ts',
      to: 'src-main/relay/session.ts',
    });
  });

  it('fail an import cycle made only of type imports', () => {
    const found = violations({
      'src-main/relay/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }",
      'src-main/relay/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }",
    });
    expect(found).toContainEqual({
      rule: 'no-circular',
      from: 'src-main/relay/a.ts',
      to: 'src-main/relay/b.ts',
    });
  });

  it('fail a part importing a later part of its folder: ssh/exec/ importing ssh/connection/', () => {
    expect(
      violations({ 'src-main/ssh/exec/process.ts': "export { hop } from '../connection/hop.js';" }),
    ).toContainEqual({
      rule: 'rank:src-main/ssh/host-keys|exec',
      from: 'src-main/ssh/exec/process.ts',
      to: 'src-main/ssh/connection/hop.ts',
    });
  });

  it('fail a value import where only types may go: forwards/ importing tracer/', () => {
    expect(
      violations({
        'src-main/forwards/dial-in.ts': [
          "import { Listener } from '../tracer/listener.js';",
          'export const make = (): Listener => new Listener();',
        ].join('\n'),
      }),
    ).toContainEqual({
      rule: 'types-only:src-main/forwards',
      from: 'src-main/forwards/dial-in.ts',
      to: 'src-main/tracer/listener.ts',
    });
  });

  it('fail the renderer importing src-main/, and src-common/ importing Node', () => {
    const found = violations({
      'src-renderer/panel.ts': "export { log } from '../src-main/log/logger.js';",
      'src-common/net.ts': "import os from 'node:os';\nexport const LOOPBACK = os.hostname();",
    });
    expect(found).toContainEqual({
      rule: 'renderer-never-main',
      from: 'src-renderer/panel.ts',
      to: 'src-main/log/logger.ts',
    });
    expect(found.map((v) => v.rule)).toContain('common-has-no-node');
  });

  it('fail a renderer panel importing another panel', () => {
    expect(
      violations({
        'src-renderer/panels/watch/view.ts': "export { rows } from '../sessions/view.js';",
      }),
    ).toContainEqual({
      rule: 'panels-apart',
      from: 'src-renderer/panels/watch/view.ts',
      to: 'src-renderer/panels/sessions/view.ts',
    });
  });
});
