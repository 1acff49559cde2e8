/**
 * Log tabs beside the debug console: each follows one remote file with `tail -F` through the
 * relay (`logs.open` → `logId`; `logs.output` / `logs.status` events; `logs.close`). A tab keeps
 * its text in a bounded {@link ConsoleChannel}, so output that arrives before its view mounts, or
 * while it is hidden, is not lost. When the link to the relay drops, the relay stops the tails of
 * this window; once it is back, each open tab is reopened (from the file's last lines again).
 */
import type { ContainerTarget, Profile } from '../../src-common/protocol/profile.js';
import type { LogTailState } from '../../src-common/protocol/connections.js';
import { ConsoleChannel } from '../console/console-channel.js';
import { connection } from '../backend/connection.svelte.js';
import { errorMessage } from '../../src-common/errors.js';

/** One log tab. Replaced (not mutated) on every change, so views update. */
export interface LogTabInfo {
  /** Stable for the tab's life (the relay's `logId` changes when the tab is reopened). */
  key: string;
  /** The relay's id while a tail runs; null while (re)opening or after the relay link dropped. */
  logId: string | null;
  profileId: string;
  profileName: string;
  path: string;
  /** A container's log (`docker logs -f`) instead of a file; `path` is then its title. */
  container?: ContainerTarget;
  state: 'opening' | LogTailState;
  /** The last thing `tail` or the relay said (a missing file, reconnecting, why it ended). */
  message: string | null;
  /** The file's text, terminal-ready (bounded). */
  channel: ConsoleChannel;
}

/**
 * Whether a line `tail` wrote to stderr is a problem to keep in view (GNU coreutils wording:
 * "cannot open … for reading", "has become inaccessible", "Permission denied", "No such file").
 */
export function isTailProblem(message: string): boolean {
  return /cannot open|inaccessible|denied|no such file|cannot follow|not a regular/i.test(message);
}

/** The tab's label: the file name, e.g. `app.log` for `/var/log/app.log`. */
export function logTabTitle(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() || path;
}

class LogTabsStore {
  tabs = $state.raw<LogTabInfo[]>([]);
  /** Key of the log tab shown in the console panel; null = the debug console. */
  active = $state<string | null>(null);
  /** The "Tail a log file" dialog is open. */
  dialogOpen = $state(false);
  /** A `logs.open` from the dialog is under way. */
  opening = $state(false);
  /** Why the last open from the dialog failed. */
  error = $state<string | null>(null);
  private nextKey = 1;
  private started = false;

  /** Subscribes to the relay's log events and link state. Idempotent. */
  init(): void {
    if (this.started) return;
    this.started = true;
    const client = connection.client;
    client.onAppEvent('logs.output', ({ logId, text }) => {
      this.byLogId(logId)?.channel.write(text, 'stdout');
    });
    client.onAppEvent('logs.status', ({ logId, state, message }) => {
      const tab = this.byLogId(logId);
      if (!tab) return;
      // A whole line of its own (never glued to the file's text): grey, red once it has ended.
      if (message) tab.channel.write(message, state === 'ended' ? 'error' : 'info');
      // tail's notices ("inotify cannot be used, reverting to polling", "has appeared") stay in
      // the text; only a problem (missing file, no permission) stays on the tab's status line.
      const shown =
        state !== 'following'
          ? (message ?? tab.message)
          : message && isTailProblem(message)
            ? message
            : null;
      this.update(tab.key, { state, message: shown });
    });
    client.onStateChange((state) => {
      if (state !== 'lost') return;
      for (const tab of this.tabs) {
        if (tab.logId === null) continue;
        tab.channel.write(
          'The connection to Periscope was lost; reopening once it is back.',
          'info',
        );
        this.update(tab.key, {
          logId: null,
          state: 'reconnecting',
          message: 'The connection to Periscope was lost',
        });
      }
    });
    connection.onConnected(() => {
      for (const tab of this.tabs) if (tab.logId === null) void this.start(tab.key);
    });
  }

  /**
   * Opens a tab following `path` on `profile`'s machine and shows it. Resolves true when the tail
   * started; false when it could not (the reason is in {@link error}; no tab is left).
   */
  async open(
    profile: Pick<Profile, 'id' | 'name'>,
    path: string,
    container?: ContainerTarget,
  ): Promise<boolean> {
    this.init();
    const key = `t${this.nextKey++}`;
    const tab: LogTabInfo = {
      key,
      logId: null,
      profileId: profile.id,
      profileName: profile.name,
      path,
      ...(container && { container }),
      state: 'opening',
      message: null,
      channel: new ConsoleChannel(),
    };
    this.opening = true;
    this.error = null;
    this.tabs = [...this.tabs, tab];
    try {
      const { logId } = await connection.client.request('logs.open', {
        profileId: profile.id,
        path,
        ...(container && { container }),
      });
      if (!this.tabs.some((t) => t.key === key)) {
        await connection.client.request('logs.close', { logId }).catch(() => undefined);
        return false;
      }
      this.update(key, { logId, state: 'following' });
      this.active = key;
      return true;
    } catch (err) {
      this.tabs = this.tabs.filter((t) => t.key !== key);
      this.error = errorMessage(err);
      return false;
    } finally {
      this.opening = false;
    }
  }

  /** Closes a tab: the relay kills its remote `tail`. Shows the debug console if it was shown. */
  async close(key: string): Promise<void> {
    const index = this.tabs.findIndex((t) => t.key === key);
    const tab = this.tabs[index];
    if (!tab) return;
    this.tabs = this.tabs.filter((t) => t.key !== key);
    if (this.active === key)
      this.active = this.tabs[Math.min(index, this.tabs.length - 1)]?.key ?? null;
    if (tab.logId !== null) {
      // not-found: the tail had ended already (file's link failed, relay restarted).
      await connection.client.request('logs.close', { logId: tab.logId }).catch(() => undefined);
    }
  }

  /** Shows a log tab (or the debug console, with null). */
  activate(key: string | null): void {
    this.active = key;
  }

  /** Starts the tail of an existing tab again (after the relay link came back). */
  private async start(key: string): Promise<void> {
    const tab = this.tabs.find((t) => t.key === key);
    if (!tab) return;
    this.update(key, { state: 'opening' });
    try {
      const { logId } = await connection.client.request('logs.open', {
        profileId: tab.profileId,
        path: tab.path,
        ...(tab.container && { container: tab.container }),
      });
      if (!this.tabs.some((t) => t.key === key)) {
        await connection.client.request('logs.close', { logId }).catch(() => undefined);
        return;
      }
      tab.channel.write('Reopened: the file’s last lines follow again.', 'info');
      this.update(key, { logId, state: 'following', message: null });
    } catch (err) {
      const message = errorMessage(err);
      tab.channel.write(message, 'stderr');
      this.update(key, { state: 'ended', message });
    }
  }

  private byLogId(logId: string): LogTabInfo | undefined {
    return this.tabs.find((t) => t.logId === logId);
  }

  private update(key: string, patch: Partial<LogTabInfo>): void {
    this.tabs = this.tabs.map((t) => (t.key === key ? { ...t, ...patch } : t));
  }
}

/** The window's log tabs. */
export const logTabs = new LogTabsStore();
