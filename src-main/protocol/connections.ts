/**
 * Client protocol types of the connection side (issue 3): importing profiles from an OpenSSH
 * config and VS Code's launch.json, the state of an SSH link that reconnects by itself, tunnels,
 * preflight checks, attaching to remote processes and tailing remote log files.
 *
 * Type-only, like `client-protocol.ts`, which names the methods and events that carry these.
 */
import type { PathMapping, ProfileDraft } from './profile.js';

/** Answer of `profiles.importSshConfig`: one draft per concrete `Host` alias. */
export interface SshConfigCandidates {
  /** The file that was read (absolute). */
  path: string;
  profiles: ProfileDraft[];
  /** What was not imported or not run (`Match exec`, `ProxyCommand`, `Include`), one sentence each. */
  warnings: string[];
}

/**
 * One VS Code `attach` configuration of type `debugpy`/`python` (`.vscode/launch.json`): where
 * debugpy listens as seen from the laptop (`connect`), `pathMappings` and `justMyCode`.
 */
export interface LaunchJsonAttach {
  name: string;
  connect: { host: string; port: number };
  pathMappings: PathMapping[];
  justMyCode: boolean;
}

/**
 * The state of an SSH link that reconnects by itself (`src-main/ssh/reconnecting-ssh.ts`):
 * `connecting` (first connection), `up`, `reconnecting` (dropped; waiting for attempt
 * `attempt` at `retryAt`, ms since the epoch), `failed` (gave up: auth or host key problem —
 * `reason`), `closed` (by the user).
 */
export interface LinkStatusInfo {
  state: 'connecting' | 'up' | 'reconnecting' | 'failed' | 'closed';
  reason?: string;
  attempt?: number;
  retryAt?: number;
}
