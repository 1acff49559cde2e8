/** What the profile form says after a launch.json import or export. */
import { VS_CODE_DEFAULTS } from '../../../../../src-main/profiles/launch-json.js';
import { describe, expect, it } from 'vitest';
import type { LaunchJsonAttach } from '../../../../../src-common/protocol/connections.js';
import {
  exportedStatus,
  importedStatus,
} from '../../../../../src-renderer/panels/profiles/launch-json-exchange.js';

const attach = (host: string, port = 5679): LaunchJsonAttach => ({
  name: 'Attach to staging',
  connect: { host, port },
  pathMappings: [],
  justMyCode: true,
  options: { ...VS_CODE_DEFAULTS },
});

describe('launch.json exchange wording', () => {
  it('names what was taken, port included, and nothing more for a tunnel to localhost', () => {
    expect(importedStatus(attach('localhost'), 'web1')).toBe(
      'Took path mappings, justMyCode, the debug options and attach port 5679 from "Attach to staging".',
    );
  });

  it('says a launch entry (no connect) gave its debug options and no port', () => {
    const { connect: _none, ...launch } = attach('localhost');
    expect(importedStatus(launch, 'web1')).toBe(
      'Took path mappings, justMyCode and the debug options from the launch configuration "Attach to staging".',
    );
  });

  it('explains a connect.host that is another machine instead of dropping it silently', () => {
    expect(importedStatus(attach('10.0.0.5'), 'staging.example.com')).toBe(
      'Took path mappings, justMyCode, the debug options and attach port 5679 from "Attach to staging". It attaches ' +
        'straight to 10.0.0.5:5679 over the network; Periscope instead connects over SSH to this ' +
        "profile's machine (staging.example.com) and reaches debugpy at 127.0.0.1:5679 there, so " +
        '10.0.0.5 must be that machine and its debugpy must listen on 127.0.0.1 or 0.0.0.0.',
    );
    expect(importedStatus(attach('10.0.0.5'), ' ')).toContain(
      "over SSH to this profile's machine and",
    );
  });

  it('tells how VS Code reaches the exported localhost port', () => {
    expect(
      exportedStatus(attach('localhost', 5690), '/p/.vscode/launch.json', '-p 2222 me@web1'),
    ).toBe(
      'Wrote "Attach to staging" (attach to localhost:5690) to /p/.vscode/launch.json. VS Code ' +
        'reaches debugpy through a forward: ssh -L 5690:localhost:5690 -p 2222 me@web1.',
    );
    expect(exportedStatus(attach('localhost'), '/f', '')).toContain(
      'ssh -L 5679:localhost:5679 <user>@<host>.',
    );
  });
});
