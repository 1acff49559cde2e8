/**
 * A frozen program, end to end in Chromium: a program that dialled in gets SIGSTOP; the Sessions
 * panel says "Not responding" and the status bar says since when, within the relay's stated 8 s;
 * after SIGCONT both go back to what they said before.
 */
import type { ChildProcess } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { snap } from './fixtures.js';
import { PeriscopePage } from './pages/periscope-page.js';
import { dialIn, sessionRow, startWeb } from './relay-web.js';

test('a SIGSTOPped program is shown as not responding, and recovers on SIGCONT', async ({
  browser,
}) => {
  const web = await startWeb();
  const programs: ChildProcess[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(web.url);
    const app = new PeriscopePage(page);
    const program = dialIn(web.tracerPort, ['100000', '0.1']);
    programs.push(program);
    const row = sessionRow(page, program.pid);
    await expect(row).toContainText('Running');
    await row.click();
    await expect(app.status).toContainText('Running');

    program.kill('SIGSTOP');
    await expect(row).toContainText('Not responding', { timeout: 12_000 });
    await expect(row).toContainText('not responding since');
    await expect(app.status).toContainText('Not responding — no answer from the program since');
    await expect
      .poll(() => app.consoleText())
      .toContain('Periscope: the program is not responding');
    await snap(page, 'relay-frozen-program');

    program.kill('SIGCONT');
    await expect(row).toContainText('Running', { timeout: 5000 });
    await expect(row).not.toContainText('Not responding');
    await expect(app.status).toContainText('Running');
    await expect
      .poll(() => app.consoleText())
      .toContain('Periscope: the program is responding again');
    await context.close();
  } finally {
    for (const p of programs) {
      p.kill('SIGCONT');
      p.kill('SIGKILL');
    }
    await web.stop();
  }
});
