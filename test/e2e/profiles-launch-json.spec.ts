/**
 * Exchanging an attach configuration with VS Code's `.vscode/launch.json` in the profile form
 * (Chromium, web mode): the remote debugpy port comes in with the path mappings and becomes the
 * default of "Attach to port"; a `connect.host` that is another machine is explained; export
 * writes `localhost:<attach port>` and keeps the user's comments.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, snap, test } from './fixtures.js';

test('launch.json import brings the debugpy port to "Attach to port", export writes it back', async ({
  app,
  page,
  sshd,
  web,
}) => {
  const project = join(web.home, 'src', 'app');
  const launchJson = join(project, '.vscode', 'launch.json');
  await mkdir(join(project, '.vscode'), { recursive: true });
  await writeFile(
    launchJson,
    [
      '{',
      '  // team settings, keep',
      '  "version": "0.2.0",',
      '  "configurations": [',
      '    {',
      '      "name": "Attach (tunnel)",',
      '      "type": "debugpy",',
      '      "request": "attach",',
      '      "connect": { "host": "localhost", "port": 5690 },',
      '      "pathMappings": [{ "localRoot": "${workspaceFolder}", "remoteRoot": "/srv/app" }],',
      '      "justMyCode": false',
      '    },',
      '    {',
      '      "name": "Attach (direct)",',
      '      "type": "debugpy",',
      '      "request": "attach",',
      '      "connect": { "host": "10.20.0.7", "port": 5691 }',
      '    },',
      '  ],',
      '}',
      '',
    ].join('\n'),
  );
  await app.createProfile({
    name: 'staging',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });

  await app.profileItem('staging').getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Profile' });
  await expect(form.getByLabel('Attach port')).toHaveValue('5678');
  const exchange = form.getByRole('group', { name: 'VS Code launch.json' });
  await exchange.getByLabel('Project folder').fill('~/src/app');
  await exchange.getByRole('button', { name: 'Import' }).click();
  await expect(exchange.getByRole('status')).toContainText('2 configurations');

  // A configuration that attaches straight to another machine: taken, and explained.
  await exchange
    .getByLabel('Configuration', { exact: true })
    .selectOption({ label: 'Attach (direct) — 10.20.0.7:5691' });
  await exchange.getByRole('button', { name: 'Use' }).click();
  await expect(exchange.getByRole('status')).toContainText(
    'It attaches straight to 10.20.0.7:5691 over the network; Periscope instead connects over SSH',
  );
  await expect(form.getByLabel('Attach port')).toHaveValue('5691');
  await snap(page, '3-launch-json-direct-host');

  // The usual one, through an ssh -L tunnel: port, mappings and justMyCode.
  await exchange.getByRole('button', { name: 'Import' }).click();
  await exchange.getByRole('button', { name: 'Use' }).click();
  await expect(exchange.getByRole('status')).toHaveText(
    'Took path mappings, justMyCode, the debug options and attach port 5690 from "Attach (tunnel)".',
  );
  await expect(form.getByLabel('Attach port')).toHaveValue('5690');
  await expect(form.getByLabel('Just my code')).not.toBeChecked();
  await snap(page, '3-launch-json-imported');

  await exchange.getByRole('button', { name: 'Export' }).click();
  await expect(exchange.getByRole('status')).toContainText(
    `VS Code reaches debugpy through a forward: ssh -L 5690:localhost:5690 -p ${sshd.port} ${sshd.user}@${sshd.host}.`,
  );
  await snap(page, '3-launch-json-exported');
  const written = await readFile(launchJson, 'utf8');
  expect(written).toContain('// team settings, keep');
  expect(written).toMatch(
    /"name": "Periscope: staging",\s+"type": "debugpy",\s+"request": "attach",\s+"connect": \{\s+"host": "localhost",\s+"port": 5690\s+\}/,
  );
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();

  // "Attach to port" starts from the profile's port.
  await app.profileItem('staging').getByRole('button', { name: 'Launch…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Launch program' });
  await dialog.getByLabel('Run').selectOption('port');
  await expect(dialog.getByLabel('Remote port')).toHaveValue('5690');
  await expect(dialog).toContainText('python -m debugpy --listen 5690');
  await snap(page, '3-attach-port-default');
});
