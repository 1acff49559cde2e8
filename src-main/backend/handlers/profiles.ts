/**
 * App requests about saved profiles: list (with what the store recovered from a damaged file),
 * save, delete, the watch expressions kept with a profile, and import from `~/.ssh/config` and
 * VS Code's `.vscode/launch.json` (`profiles/profile-files.ts`), and export to it.
 */
import type { AppHandlers, BackendParts } from './handler-types.js';
import {
  readLaunchJson,
  readSshConfigCandidates,
  writeLaunchJson,
} from '../../profiles/profile-files.js';

/** The `profiles.*` methods. */
type ProfileMethod =
  | 'profiles.list'
  | 'profiles.save'
  | 'profiles.setWatches'
  | 'profiles.delete'
  | 'profiles.importSshConfig'
  | 'profiles.importLaunchJson'
  | 'profiles.exportLaunchJson';

/** Handlers of the `profiles.*` methods. */
export function profileHandlers({ profileStore: store }: BackendParts): AppHandlers<ProfileMethod> {
  return {
    'profiles.list': () =>
      Promise.resolve({
        profiles: store.list(),
        ...(store.recoveredFrom !== undefined
          ? {
              recovery: { movedTo: store.recoveredFrom, reason: store.recoveryReason ?? 'unknown' },
            }
          : {}),
      }),
    'profiles.save': async (_client, { profile }) => ({
      profile: await store.save(profile),
    }),
    'profiles.setWatches': async (_client, { id, watchExpressions }) => ({
      profile: await store.setWatchExpressions(id, watchExpressions),
    }),
    'profiles.delete': async (_client, { id }) => {
      await store.delete(id);
      return {};
    },
    'profiles.importSshConfig': (_client, { path }) => readSshConfigCandidates(path),
    'profiles.importLaunchJson': (_client, { projectPath }) => readLaunchJson(projectPath),
    'profiles.exportLaunchJson': (_client, { projectPath, configuration }) =>
      writeLaunchJson(projectPath, configuration),
  };
}
