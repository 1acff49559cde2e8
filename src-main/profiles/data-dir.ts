/**
 * Where Periscope keeps its data (profiles, known state) outside Electron.
 * Electron uses `app.getPath('userData')` instead.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The data directory of web mode and the headless relay: `$XDG_CONFIG_HOME/periscope`, or
 * `~/.config/periscope` when `XDG_CONFIG_HOME` is unset, empty or relative (the XDG Base
 * Directory spec says relative values are to be ignored). `~` is `$HOME`, else `os.homedir()`.
 * Does not create the directory.
 */
export function webDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(configHome, 'periscope');
}
