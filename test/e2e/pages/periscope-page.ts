/**
 * Page object for Periscope's main window: acts only through what a user sees and clicks
 * (roles, labels, visible text), never through the app's internals.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** What the profile form asks for. */
export interface ProfileInput {
  name: string;
  host: string;
  port: number;
  user: string;
  keyPath: string;
  python: string;
  cwd?: string;
  justMyCode?: boolean;
}

/** See the module comment. */
export class PeriscopePage {
  constructor(readonly page: Page) {}

  get status(): Locator {
    return this.page.getByTestId('session-status');
  }
  get callStack(): Locator {
    return this.page.getByTestId('stack-frame');
  }
  get variables(): Locator {
    return this.page.getByTestId('variable');
  }
  get watchItems(): Locator {
    return this.page.getByTestId('watch-item');
  }
  get console(): Locator {
    return this.page.getByTestId('console');
  }
  get sourceView(): Locator {
    return this.page.getByTestId('source-view');
  }

  async createProfile(input: ProfileInput): Promise<void> {
    await this.page.getByRole('button', { name: 'New profile' }).click();
    const form = this.page.getByRole('form', { name: 'Profile' });
    await form.getByLabel('Name', { exact: true }).fill(input.name);
    await form.getByLabel('Host', { exact: true }).fill(input.host);
    await form.getByLabel('Port', { exact: true }).fill(String(input.port));
    await form.getByLabel('User', { exact: true }).fill(input.user);
    await form.getByLabel('Authentication').selectOption('key');
    await form.getByLabel('Private key file').fill(input.keyPath);
    await form.getByLabel('Python interpreter').fill(input.python);
    if (input.cwd !== undefined) await form.getByLabel('Working directory').fill(input.cwd);
    if (input.justMyCode !== undefined)
      await form.getByLabel('Just my code').setChecked(input.justMyCode);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(this.profileItem(input.name)).toBeVisible();
  }

  profileItem(name: string): Locator {
    return this.page
      .getByRole('list', { name: 'Profiles' })
      .getByRole('listitem')
      .filter({ hasText: name });
  }

  /** Opens the launch dialog of a profile and fills it in; does not press Launch. */
  async fillLaunch(
    profileName: string,
    options: {
      kind?: 'file' | 'module';
      program: string;
      args?: string;
      cwd?: string;
      justMyCode?: boolean;
    },
  ): Promise<Locator> {
    await this.profileItem(profileName).getByRole('button', { name: 'Launch…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Launch program' });
    await dialog.getByLabel('Run').selectOption(options.kind ?? 'file');
    await dialog
      .getByLabel(options.kind === 'module' ? 'Module' : 'Program', { exact: true })
      .fill(options.program);
    if (options.args !== undefined) await dialog.getByLabel('Arguments').fill(options.args);
    if (options.cwd !== undefined) await dialog.getByLabel('Working directory').fill(options.cwd);
    if (options.justMyCode !== undefined)
      await dialog.getByLabel('Just my code').setChecked(options.justMyCode);
    return dialog;
  }

  /** Answers the unknown-host-key prompt with "Trust and connect"; returns the fingerprint shown. */
  async trustHostKey(): Promise<string> {
    const dialog = this.page.getByRole('dialog', { name: 'Unknown host key' });
    await expect(dialog).toBeVisible();
    const fingerprint = (await dialog.getByTestId('host-key-fingerprint').textContent()) ?? '';
    await dialog.getByRole('button', { name: 'Trust and connect' }).click();
    return fingerprint.trim();
  }

  /** Clicks the gutter of `line` in the source view (toggles a breakpoint). */
  async toggleBreakpoint(line: number): Promise<void> {
    const lineNumber = this.sourceView
      .locator('.cm-lineNumbers .cm-gutterElement')
      .filter({ hasText: new RegExp(`^${line}$`) });
    await lineNumber.click();
  }

  breakpointMarker(line: number): Locator {
    return this.sourceView.locator(`.ps-breakpoint[data-line="${line}"]`);
  }

  currentLine(): Locator {
    return this.sourceView.locator('.cm-line.ps-current-line');
  }

  variable(name: string): Locator {
    return this.variables.filter({
      has: this.page.locator('.name', { hasText: new RegExp(`^${escape(name)}$`) }),
    });
  }

  async addWatch(expression: string): Promise<void> {
    const input = this.page.getByRole('textbox', { name: 'Add watch expression' });
    await input.fill(expression);
    await input.press('Enter');
  }

  watch(expression: string): Locator {
    return this.watchItems.filter({ hasText: expression });
  }

  /** Types an expression into the console and presses Enter. */
  async evaluateInConsole(expression: string): Promise<void> {
    await this.console.locator('.xterm').click();
    await this.page.keyboard.type(expression);
    await this.page.keyboard.press('Enter');
  }

  /** The debug console's find bar (Ctrl+F in the console), with its search box. */
  get consoleFind(): Locator {
    return this.console.getByRole('search');
  }
  get consoleFindBox(): Locator {
    return this.console.getByRole('searchbox', { name: 'Find in console' });
  }

  /** Visible text of the console (xterm's DOM renderer rows). */
  async consoleText(): Promise<string> {
    return (await this.console.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
  }

  async openFile(path: string): Promise<void> {
    const input = this.page.getByRole('textbox', { name: 'Open file' });
    await input.fill(path);
    await input.press('Enter');
  }

  /**
   * Scrolls the source view until `line` is rendered (CodeMirror renders only what is visible),
   * the way a user would: look at the line numbers in view, scroll towards the target, repeat.
   */
  async scrollSourceToLine(line: number): Promise<void> {
    const scroller = this.sourceView.locator('.cm-scroller');
    const gutter = this.sourceView
      .locator('.cm-lineNumbers .cm-gutterElement')
      .filter({ hasText: new RegExp(`^${line}$`) });
    for (let i = 0; i < 100 && (await gutter.count()) === 0; i++) {
      await scroller.evaluate((el, target) => {
        const numbers = [...el.querySelectorAll<HTMLElement>('.cm-lineNumbers .cm-gutterElement')]
          .map((e) => ({ n: Number(e.textContent), top: e.offsetTop, height: e.offsetHeight }))
          .filter((e) => e.n > 0 && e.height > 0);
        const first = numbers[0];
        const last = numbers[numbers.length - 1];
        if (!first || !last) return;
        const lineHeight = (last.top - first.top) / Math.max(1, last.n - first.n) || 18;
        el.scrollTop = Math.max(
          0,
          first.top + (target - first.n) * lineHeight - el.clientHeight / 2,
        );
      }, line);
      await this.page.waitForTimeout(50);
    }
    await gutter.scrollIntoViewIfNeeded();
  }

  /** Expands a variable's children by its toggle. */
  async expandVariable(name: string): Promise<void> {
    await this.variable(name).first().getByRole('button').first().click();
  }

  async pressKey(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
