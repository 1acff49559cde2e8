import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SourceOrigin } from '../../src-common/protocol/client-protocol.js';
import { connection } from '../backend/connection.svelte.js';
import { expectSuccess } from '../debug/dap-response.js';
import { errorMessage } from '../../src-common/errors.js';
import { parsePathAndLine } from '../editor/source-path.js';

/** A source text shown in the editor. */
export interface SourceDocument {
  /** The path breakpoints are keyed by (laptop path when mapped), or the DAP source name. */
  path: string;
  content: string;
  origin: SourceOrigin;
}

/**
 * The source shown in the centre: a file the user opened, or the file of the selected stack
 * frame. Texts are cached per path (and per `sourceReference` for sources without a file).
 */
class SourceStore {
  document = $state.raw<SourceDocument | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /**
   * A line "Open file" asked for (`path:line`), 1-based, with a counter so the same line asked
   * twice moves the cursor again; the source view puts the cursor there.
   */
  goTo = $state.raw<{ line: number; seq: number } | null>(null);
  private readonly cache = new Map<string, SourceDocument>();
  /**
   * Sessions whose files are texts a snapshot recorded (`origin` `snapshot`): cached apart from
   * the same paths read from disk or another session.
   */
  readonly recordedSessions = new Set<string>();
  private ticket = 0;
  /** The error shown came from showing a stack frame's source (not from "Open file"). */
  private frameError = false;

  /**
   * Opens a file by path with the app method `source.read` (laptop file when it exists, else
   * the session's remote file, or without a session the file on `profileId`'s machine). Errors are
   * shown in place of the text. With `line` (1-based), the cursor goes to that line once shown.
   */
  async open(
    path: string,
    sessionId: string | null,
    line: number | null = null,
    profileId: string | null = null,
  ): Promise<void> {
    const key =
      sessionId && this.recordedSessions.has(sessionId)
        ? `snapshot:${sessionId}:${path}`
        : `path:${path}`;
    await this.show(key, async () => {
      const params: { path: string; sessionId?: string; profileId?: string } = { path };
      if (sessionId) params.sessionId = sessionId;
      else if (profileId) params.profileId = profileId;
      const result = await connection.client.request('source.read', params);
      return { path, content: result.content, origin: result.origin };
    });
    if (line !== null && this.document?.path === path && !this.error)
      this.goTo = { line, seq: (this.goTo?.seq ?? 0) + 1 };
  }

  /**
   * Opens what the person typed in "Open file": a path, or `path:line` (then the cursor goes to
   * that line; see `parsePathAndLine`).
   */
  async openTyped(text: string, sessionId: string | null): Promise<void> {
    const { path, line } = parsePathAndLine(text);
    await this.open(path, sessionId, line);
  }

  /** Shows the source of a stack frame: by path, else by DAP `source` request (`sourceReference`). */
  async openFrameSource(
    source: DebugProtocol.Source,
    line: number,
    sessionId: string,
  ): Promise<void> {
    if (source.path) {
      await this.open(source.path, sessionId);
      this.frameError = this.error !== null;
      return;
    }
    const ref = source.sourceReference ?? 0;
    if (ref <= 0) return;
    const name = source.name ?? `source ${ref}`;
    await this.show(`ref:${sessionId}:${ref}`, async () => {
      const response = expectSuccess<DebugProtocol.SourceResponse>(
        await connection.client.dapRequest(sessionId, 'source', { source, sourceReference: ref }),
      );
      return { path: name, content: response.body.content, origin: 'remote' };
    });
    this.frameError = this.error !== null;
  }

  /**
   * The frame whose source could not be shown is gone (the program runs on, the session ended,
   * another session is shown): its "Could not open the file" banner goes with it. An error from
   * "Open file" stays until the next file is opened.
   */
  dropFrameError(): void {
    if (this.frameError) this.error = null;
    this.frameError = false;
  }

  /** Forgets cached texts (e.g. after the files changed). */
  clearCache(): void {
    this.cache.clear();
  }

  private async show(key: string, load: () => Promise<SourceDocument>): Promise<void> {
    const ticket = ++this.ticket;
    this.frameError = false;
    const cached = this.cache.get(key);
    if (cached) {
      this.document = cached;
      this.error = null;
      return;
    }
    this.loading = true;
    this.error = null;
    try {
      const doc = await load();
      this.cache.set(key, doc);
      if (ticket !== this.ticket) return;
      this.document = doc;
    } catch (err) {
      if (ticket === this.ticket) this.error = errorMessage(err);
    } finally {
      if (ticket === this.ticket) this.loading = false;
    }
  }
}

/** The window's source editor state. */
export const sourceEditor = new SourceStore();
