/**
 * App requests about debug sessions: list them, start one (`session.launch`, `session.attach`:
 * `backend/sessions/session-starter.ts`), join one (the joiner gets what it needs to catch up),
 * leave it running (`session.detach`) or stop it (`session.close`), remove ended ones from the list, cut its SSH link's reconnect
 * wait short (`session.reconnectNow`), open its DAP endpoint, share watch
 * expressions, and read a source file for it (laptop copy first, else the tracer's machine).
 */
import type { DebugSession } from '../../relay/debug-session.js';
import { RelayError, errorMessage } from '../../../src-common/errors.js';
import { requireProfile, type AppHandlers, type BackendParts } from './handler-types.js';
import { toRemotePath } from '../../../src-common/path-mapping.js';
import { attachStarter } from '../../tracer/attach-tracer.js';
import { MAX_SOURCE_BYTES, SourceNotFoundError, readSource } from '../../tracer/source-reader.js';
import { profileFileReader } from './files.js';

/** The session methods. */
type SessionMethod =
  | 'sessions.list'
  | 'sessions.removeEnded'
  | 'session.launch'
  | 'session.attach'
  | 'session.join'
  | 'session.detach'
  | 'session.stdin'
  | 'session.resize'
  | 'session.reconnectNow'
  | 'session.close'
  | 'session.dapEndpoint.open'
  | 'session.dapEndpoint.close'
  | 'session.watches.set'
  | 'source.read';

/** Handlers of the session methods. */
export function sessionHandlers(parts: BackendParts): AppHandlers<SessionMethod> {
  const { profileStore, sessions, removeEnded, starter, endpoints, injectorVerdicts } = parts;
  const session = (id: string): DebugSession => sessions.require(id).session;
  /** The root of the process tree `s` is in (`s` itself when it has none). */
  const rootOf = (s: DebugSession): DebugSession => s.processTree?.root ?? s;
  /**
   * For an attach session: debugpy, once in a process, cannot be taken out again; its port stays
   * open to anyone on that machine until the process exits — said when the session ends.
   */
  const stillListening = (id: string): string => {
    const { session: s, tracer } = sessions.require(id);
    const port = tracer.tunnels?.()[0]?.remotePort;
    return port === undefined
      ? ''
      : `, and its debugpy keeps listening on 127.0.0.1:${port} of ${s.info.host} until it exits (Attach to port ${port} gets back to it)`;
  };
  return {
    'sessions.list': () => Promise.resolve(sessions.whole()),
    'session.stdin': async (_client, { sessionId, text, eof }) => {
      const { session: s, tracer } = sessions.require(sessionId);
      if (s.isEnded)
        throw new RelayError('session-ended', 'The program has ended; its input is closed.');
      if (!tracer.writeStdin)
        throw new RelayError(
          'launch-failed',
          'This program was not launched by Periscope: its input is its own terminal.',
        );
      await tracer.writeStdin(text, eof ?? false);
      return {};
    },
    'session.resize': async (_client, { sessionId, cols, rows }) => {
      const { session: s, tracer } = sessions.require(sessionId);
      if (s.isEnded)
        throw new RelayError('session-ended', 'The program has ended; its terminal is closed.');
      if (!tracer.resizeTerminal)
        throw new RelayError('launch-failed', 'This program does not run in a terminal.');
      await tracer.resizeTerminal({ cols, rows });
      return {};
    },
    'sessions.removeEnded': (_client, { sessionIds }) =>
      Promise.resolve({
        removed: removeEnded(sessionIds ?? sessions.list().map((s) => s.id)),
      }),
    'session.launch': (client, params) =>
      starter.launch(client, requireProfile(profileStore, params.profileId), params),
    'session.attach': (client, { to, ...rest }) =>
      starter.launch(
        client,
        requireProfile(profileStore, rest.profileId),
        { ...rest, target: { kind: 'file', path: '' }, args: [], cwd: '' },
        {
          start: attachStarter(to, injectorVerdicts),
          label: to.kind === 'pid' ? `process ${to.pid}` : `debugpy on port ${to.port}`,
        },
      ),
    'session.join': (client, { sessionId }) => {
      const joined = session(sessionId);
      joined.join(client);
      // Joining a program's root joins its live child processes too, so their events come;
      // each one's own `session.join` gives its catch-up.
      if (joined.processTree?.root === joined)
        for (const member of joined.processTree.members)
          if (member !== joined && !member.isEnded) member.join(client);
      return Promise.resolve({
        session: joined.info,
        capabilities: joined.capabilities,
        ...joined.catchUp(),
      });
    },
    // Detach and Stop act on the whole process tree the session is in (its root and children).
    'session.detach': async (_client, { sessionId }) => {
      const root = rootOf(session(sessionId));
      const reason =
        root.info.origin === 'attach'
          ? `detached; the program keeps running${stillListening(root.id)}`
          : undefined;
      if (root.processTree)
        await root.processTree.detach(reason ?? 'detached; the program keeps running');
      else await root.detach(reason);
      return {};
    },
    'session.reconnectNow': (_client, { sessionId }) => {
      const tracer = sessions.require(sessionId).tracer;
      return Promise.resolve({ retrying: tracer.retryNow?.() ?? false });
    },
    'session.close': async (_client, { sessionId }) => {
      const closing = rootOf(session(sessionId));
      const tree = closing.processTree;
      // Stopping an attach session leaves the program running, as VS Code's Disconnect does for
      // attach configurations: Periscope did not start it, so it does not end it.
      if (closing.info.origin === 'attach') {
        const reason = `disconnected; the program keeps running${stillListening(closing.id)}`;
        if (tree) await tree.detach(reason);
        else await closing.detach(reason);
      } else if (tree) await tree.stop();
      else await closing.close();
      return {};
    },
    'session.dapEndpoint.open': async (_client, { sessionId }) => {
      const opening = session(sessionId);
      if (opening.isEnded) throw new RelayError('session-ended', 'That session has ended.');
      return { endpoint: await endpoints.open(opening) };
    },
    'session.dapEndpoint.close': async (_client, { sessionId }) => {
      await endpoints.close(session(sessionId));
      return {};
    },
    'session.watches.set': (client, { sessionId, expressions }) => {
      const watched = session(sessionId);
      if (!watched.hasClient(client))
        throw new RelayError(
          'not-found',
          `Join session "${sessionId}" before changing its watches.`,
        );
      watched.setWatches(client, expressions);
      return Promise.resolve({});
    },
    'source.read': async (client, { path, sessionId, profileId }) => {
      const entry = sessionId === undefined ? undefined : sessions.require(sessionId);
      // No session: the profile's machine, when one is named (quick open before a launch).
      if (!entry && profileId !== undefined) {
        const profile = requireProfile(profileStore, profileId);
        const mapped = toRemotePath(path, profile.pathMappings ?? []);
        const reader = profileFileReader(parts, client, profile);
        return { path, ...(await readSource(path, (_p, max) => reader(mapped, max))) };
      }
      // A snapshot shows the text it recorded (the source at the time), never today's file.
      if (entry?.session.info.origin === 'snapshot') {
        try {
          const bytes = await entry.tracer.readFile(path, MAX_SOURCE_BYTES);
          return { path, content: bytes.toString('utf8'), origin: 'snapshot' };
        } catch (error) {
          throw new SourceNotFoundError(path, errorMessage(error));
        }
      }
      // A laptop path without a laptop copy is read at its mapped remote path (pathMappings).
      const mappings = entry && [
        ...(entry.tracer.pathMappings ?? []),
        ...(profileStore.get(entry.session.info.profileId)?.pathMappings ?? []),
      ];
      // An ended session's SSH connection is closing or closed: say that, not how SFTP failed.
      const readRemote =
        entry &&
        (entry.session.isEnded
          ? () =>
              Promise.reject(
                new Error(
                  `its session (${entry.session.info.target}) has ended; open it while a session on that machine runs`,
                ),
              )
          : (p: string, max: number) =>
              entry.tracer.readFile(toRemotePath(p, mappings ?? []), max));
      const source = await readSource(path, readRemote);
      return { path, ...source };
    },
  };
}
