/**
 * The sessions of one debugged program's processes: the root (the process that was launched,
 * attached to or dialled in) and every child process the tracer announced and the relay followed
 * (`tracer/child-processes.ts`), each a `DebugSession` of its own with its own DAP
 * connection, as VS Code makes a child session per process.
 *
 * What the tree shares: breakpoints, function breakpoints and exception filters (a successful
 * change on any member is sent to every other live member, and a new child starts with the
 * tree's current ones), the watch expressions a child starts with, and how it ends: Stop ends
 * every process (as the user launched it), Detach leaves all of them running. How many children
 * are followed at once is bounded ({@link ProcessTreeOptions.maxChildren}).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { LaunchBreakpoints } from '../../src-common/protocol/client-protocol.js';

/**
 * What the tree needs of a member session (`M` is one; declared here so the tree
 * and the session do not import each other).
 */
export interface TreeMember {
  readonly id: string;
  readonly isEnded: boolean;
  /** The session's shared breakpoints: the last `setBreakpoints` arguments of each source. */
  readonly breakpoints: DebugProtocol.SetBreakpointsArguments[];
  /** Sends a change that succeeded on another member to this one's tracer. Never rejects. */
  applyFromTree(command: string, args: unknown): Promise<void>;
  close(reason?: string): Promise<void>;
  detach(reason?: string): Promise<void>;
}

/** Requests whose effect is the same on every process of a tree. */
export const TREE_SHARED_REQUESTS = new Set([
  'setBreakpoints',
  'setFunctionBreakpoints',
  'setExceptionBreakpoints',
]);

/** Options of {@link ProcessTree}. */
export interface ProcessTreeOptions {
  /** Follow child processes at all (launch.json's `subProcess`, default true). */
  follow: boolean;
  /** Most child processes followed at once (live ones); more run without the debugger. */
  maxChildren: number;
  /** The exception filters the root was attached with. */
  exceptionFilters?: string[];
  /** The function breakpoints the root was attached with. */
  functionBreakpoints?: DebugProtocol.FunctionBreakpoint[];
}

/** See the module comment. */
export class ProcessTree<M extends TreeMember = TreeMember> {
  private readonly children: M[] = [];
  private exceptionArgs: DebugProtocol.SetExceptionBreakpointsArguments | undefined;
  private functionArgs: DebugProtocol.SetFunctionBreakpointsArguments | undefined;
  /** Processes that ran without the debugger because of the limit, by pid. */
  private readonly unfollowedPids = new Set<number>();
  private ending: 'stop' | 'detach' | undefined;
  /** Places taken by children whose session is being made (see {@link reserve}). */
  private reserved = 0;
  private readonly childListeners = new Set<(child: M) => void>();

  constructor(
    readonly root: M,
    private readonly options: ProcessTreeOptions,
  ) {
    if (options.exceptionFilters) this.exceptionArgs = { filters: options.exceptionFilters };
    if (options.functionBreakpoints?.length)
      this.functionArgs = { breakpoints: options.functionBreakpoints };
  }

  /** Whether children are followed at all. */
  get follows(): boolean {
    return this.options.follow;
  }

  /** The limit on children followed at once. */
  get maxChildren(): number {
    return this.options.maxChildren;
  }

  /** Every session of the tree, root first, then children in the order they came. */
  get members(): M[] {
    return [this.root, ...this.children];
  }

  /** Children not ended. */
  get liveChildren(): number {
    return this.children.filter((c) => !c.isEnded).length;
  }

  /**
   * Takes a place for a child about to be followed, if the limit leaves one (announcements come
   * in bursts: a place is taken before anything is awaited). {@link add} or {@link unreserve}
   * gives it back. @returns false when children are not followed, or the tree is full.
   */
  reserve(): boolean {
    if (!this.options.follow || this.liveChildren + this.reserved >= this.options.maxChildren)
      return false;
    this.reserved++;
    return true;
  }

  /** Gives back a place {@link reserve} took for a child that will not be followed after all. */
  unreserve(): void {
    this.reserved = Math.max(0, this.reserved - 1);
  }

  /** How many processes ran without the debugger because of the limit. */
  get unfollowed(): number {
    return this.unfollowedPids.size;
  }

  /** The tree is being stopped or detached: late children get the same. */
  get endingAs(): 'stop' | 'detach' | undefined {
    return this.ending;
  }

  /** Adds a followed child, in the place {@link reserve} took for it. */
  add(child: M): void {
    this.unreserve();
    this.children.push(child);
    for (const listener of this.childListeners) listener(child);
  }

  /** Drops ended children from the tree (the relay forgot their sessions). */
  forget(ids: ReadonlySet<string>): void {
    for (let i = this.children.length - 1; i >= 0; i--) {
      const child = this.children[i] as M;
      if (child.isEnded && ids.has(child.id)) this.children.splice(i, 1);
    }
  }

  /** Calls `listener` with each child added from now on. @returns a remover. */
  onChild(listener: (child: M) => void): () => void {
    this.childListeners.add(listener);
    return () => this.childListeners.delete(listener);
  }

  /** The member with session id `id`, if it is one of this tree's. */
  member(id: string): M | undefined {
    return this.members.find((m) => m.id === id);
  }

  /** Remembers a process that runs without the debugger. @returns true the first time. */
  noteUnfollowed(pid: number): boolean {
    if (this.unfollowedPids.has(pid)) return false;
    this.unfollowedPids.add(pid);
    return true;
  }

  /** The breakpoints a new child starts with: the root's shared ones, as launch breakpoints. */
  startingBreakpoints(): LaunchBreakpoints[] {
    return this.root.breakpoints.flatMap((args) =>
      args.source.path
        ? [
            {
              path: args.source.path,
              breakpoints: args.breakpoints ?? (args.lines ?? []).map((line) => ({ line })),
            },
          ]
        : [],
    );
  }

  /** The exception filters a new child starts with (undefined: the tracer's defaults). */
  get exceptionFilters(): string[] | undefined {
    return this.exceptionArgs?.filters;
  }

  /** The function breakpoints a new child starts with. */
  get functionBreakpoints(): DebugProtocol.FunctionBreakpoint[] | undefined {
    return this.functionArgs?.breakpoints;
  }

  /**
   * A breakpoint-type request succeeded on `from` ({@link TREE_SHARED_REQUESTS}): records it as
   * the tree's state and sends it to every other live member. Never rejects.
   */
  propagate(from: M, request: DebugProtocol.Request): void {
    if (!TREE_SHARED_REQUESTS.has(request.command)) return;
    if (request.command === 'setExceptionBreakpoints')
      this.exceptionArgs = request.arguments as DebugProtocol.SetExceptionBreakpointsArguments;
    if (request.command === 'setFunctionBreakpoints')
      this.functionArgs = request.arguments as DebugProtocol.SetFunctionBreakpointsArguments;
    for (const member of this.members)
      if (member !== from && !member.isEnded)
        void member.applyFromTree(request.command, request.arguments);
  }

  /** Stop: ends every process of the tree, children and root at once. */
  async stop(reason = 'closed by the user'): Promise<void> {
    this.ending = 'stop';
    await Promise.all(
      this.members.map((m) => m.close(m === this.root ? reason : 'the program was stopped')),
    );
  }

  /**
   * Detach: leaves every process of the tree running; the children first, since they reach
   * their adapter through the root's forward, which the root's detach closes.
   */
  async detach(reason: string): Promise<void> {
    this.ending = 'detach';
    await Promise.all(this.children.map((m) => m.detach('detached with its parent')));
    await this.root.detach(reason);
  }
}
