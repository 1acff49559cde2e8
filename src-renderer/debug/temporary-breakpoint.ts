/**
 * The temporary breakpoint behind "run to cursor". DAP has no "run to line" request and
 * `setBreakpoints` replaces all breakpoints of a file, so the temporary one is sent together with
 * the file's user breakpoints (as last given to the model) and, on the next stop or when the
 * session ends, the file's user breakpoints are sent again on their own. VS Code does the same.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { expectSuccess } from './dap-response.js';
import type { DapRequester } from './model-types.js';

/** What the model's `setBreakpoints` takes for one file: lines or DAP source breakpoints. */
export type FileBreakpoints = readonly (number | DebugProtocol.SourceBreakpoint)[];

/** Re-sends a file's user breakpoints through the model (which records their verification). */
export type RestoreBreakpoints = (path: string, breakpoints: FileBreakpoints) => Promise<void>;

/** See the module comment. */
export class TemporaryBreakpoint {
  /** The user breakpoints last sent per path. */
  private readonly user = new Map<string, FileBreakpoints>();
  private placed: { path: string; line: number } | null = null;

  constructor(
    private readonly dapRequest: DapRequester,
    private readonly restore: RestoreBreakpoints,
  ) {}

  /** True between {@link place} and the next {@link remove}. */
  get isPlaced(): boolean {
    return this.placed !== null;
  }

  /** Records the user breakpoints of a file (every `setBreakpoints` of the model). */
  record(path: string, breakpoints: FileBreakpoints): void {
    if (breakpoints.length === 0) this.user.delete(path);
    else this.user.set(path, [...breakpoints]);
  }

  /**
   * Sends the file's user breakpoints plus one at `line`.
   * @throws DapResponseError when the tracer refuses them.
   */
  async place(path: string, line: number): Promise<void> {
    const mine = (this.user.get(path) ?? []).map((b) => (typeof b === 'number' ? { line: b } : b));
    const breakpoints = mine.some((b) => b.line === line) ? mine : [...mine, { line }];
    this.placed = { path, line };
    expectSuccess(
      await this.dapRequest('setBreakpoints', {
        source: { path, name: path.split(/[\\/]/).pop() ?? path },
        breakpoints,
        lines: breakpoints.map((b) => b.line),
      }),
    );
  }

  /** Takes the temporary breakpoint away again (no-op when none is placed). */
  async remove(): Promise<void> {
    const placed = this.placed;
    if (!placed) return;
    this.placed = null;
    const user = this.user.get(placed.path);
    if (user) {
      await this.restore(placed.path, user);
      return;
    }
    expectSuccess(
      await this.dapRequest('setBreakpoints', {
        source: { path: placed.path },
        breakpoints: [],
        lines: [],
      }),
    );
  }

  /** Forgets the temporary breakpoint without a request (the session ended). */
  forget(): void {
    this.placed = null;
  }
}
