import { toWire } from '../../../src-common/snapshot-point.js';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { LaunchBreakpoints } from '../../../src-common/protocol/client-protocol.js';

/** The part of the Web Storage API (`localStorage`) the book uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Where a breakpoint is: a 1-based line in a source file (laptop path, as the user opened it). */
export interface BreakpointLocation {
  path: string;
  line: number;
}

/**
 * What a line breakpoint does beyond stopping, as DAP `SourceBreakpoint` carries it. Empty or
 * absent fields are unset.
 */
export interface BreakpointOptions {
  /** Python expression; the breakpoint stops only when it is true. */
  condition?: string;
  /** debugpy hit condition: `N` or `==N` (the Nth hit), `>=N`, `>N`, `<N`, `%N` (every Nth). */
  hitCondition?: string;
  /** Logpoint message with `{expression}` parts; a logpoint logs and never stops. */
  logMessage?: string;
}

/** One user line breakpoint. */
export interface LineBreakpoint extends BreakpointLocation, BreakpointOptions {
  /** Disabled breakpoints are kept (hollow marker) but not sent to the tracer. */
  enabled: boolean;
}

/** One user function breakpoint (DAP `FunctionBreakpoint`, debugpy: `module.function` or name). */
export interface FunctionBreakpointEntry {
  name: string;
  enabled: boolean;
}

/** What changed in a book, for listeners. */
export type BookChange =
  { kind: 'source'; path: string } | { kind: 'functions' } | { kind: 'exceptions' };

const OPTION_KEYS = ['condition', 'hitCondition', 'logMessage'] as const;

/**
 * The user's breakpoints of one profile: line breakpoints (with condition, hit condition,
 * logpoint message, enabled flag) by source path, function breakpoints, and the chosen exception
 * filters. Persisted as JSON (format version 2) under `periscope.breakpoints.<profileId>` so they
 * survive reloads; the version-1 format (`{ path: lines[] }`) is read too. Unreadable stored data
 * is ignored (the book starts empty) rather than thrown.
 */
export class BreakpointBook {
  private readonly byPath = new Map<string, LineBreakpoint[]>();
  private functionList: FunctionBreakpointEntry[] = [];
  private filters: string[] | null = null;
  private readonly listeners = new Set<(change: BookChange) => void>();

  constructor(
    private readonly storage: KeyValueStorage | null,
    readonly profileKey: string,
  ) {
    this.load();
  }

  /** Storage key of a profile's breakpoints. */
  static storageKey(profileKey: string): string {
    return `periscope.breakpoints.${profileKey}`;
  }

  /** Sorted lines of one file, enabled or not (empty when none). */
  linesOf(path: string): number[] {
    return this.breakpointsOf(path).map((b) => b.line);
  }

  /** The line breakpoints of one file, sorted by line (copies). */
  breakpointsOf(path: string): LineBreakpoint[] {
    return (this.byPath.get(path) ?? []).map((b) => ({ ...b }));
  }

  /** One breakpoint, or undefined. */
  get(path: string, line: number): LineBreakpoint | undefined {
    const found = this.byPath.get(path)?.find((b) => b.line === line);
    return found ? { ...found } : undefined;
  }

  /** Paths that have breakpoints, in insertion order. */
  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** All line breakpoints, by path then line. */
  all(): LineBreakpoint[] {
    return this.paths().flatMap((path) => this.breakpointsOf(path));
  }

  /** Adds a plain breakpoint when absent, removes it when present. Returns whether it is now set. */
  toggle(path: string, line: number): boolean {
    const list = this.byPath.get(path) ?? [];
    const set = !list.some((b) => b.line === line);
    this.setList(
      path,
      set ? [...list, { path, line, enabled: true }] : list.filter((b) => b.line !== line),
    );
    return set;
  }

  /**
   * Creates or updates the breakpoint on `line` with `options` (replacing all three option
   * fields; blank ones are dropped). A new one is enabled; editing keeps the enabled flag.
   */
  upsert(path: string, line: number, options: BreakpointOptions): LineBreakpoint {
    const list = this.byPath.get(path) ?? [];
    const old = list.find((b) => b.line === line);
    const next: LineBreakpoint = { path, line, enabled: old?.enabled ?? true };
    for (const key of OPTION_KEYS) {
      const value = options[key]?.trim();
      if (value) next[key] = value;
    }
    this.setList(path, [...list.filter((b) => b.line !== line), next]);
    return { ...next };
  }

  /** Enables or disables one breakpoint (no-op when absent). */
  setEnabled(path: string, line: number, enabled: boolean): void {
    const list = this.byPath.get(path);
    if (!list?.some((b) => b.line === line && b.enabled !== enabled)) return;
    this.setList(
      path,
      list.map((b) => (b.line === line ? { ...b, enabled } : b)),
    );
  }

  /** Enables or disables every line and function breakpoint. */
  setAllEnabled(enabled: boolean): void {
    for (const [path, list] of [...this.byPath]) {
      if (list.some((b) => b.enabled !== enabled))
        this.setList(
          path,
          list.map((b) => ({ ...b, enabled })),
        );
    }
    if (this.functionList.some((f) => f.enabled !== enabled)) {
      this.functionList = this.functionList.map((f) => ({ ...f, enabled }));
      this.changed({ kind: 'functions' });
    }
  }

  /** Moves a breakpoint to another line of the same file (keeps its options). */
  move(path: string, from: number, to: number): void {
    const list = this.byPath.get(path);
    const bp = list?.find((b) => b.line === from);
    if (!list || !bp || from === to) return;
    this.setList(path, [
      ...list.filter((b) => b.line !== from && b.line !== to),
      { ...bp, line: to },
    ]);
  }

  /** Removes one breakpoint (no-op when absent). */
  remove(path: string, line: number): void {
    const list = this.byPath.get(path);
    if (list?.some((b) => b.line === line))
      this.setList(
        path,
        list.filter((b) => b.line !== line),
      );
  }

  /** Removes every line and function breakpoint (the exception filters stay). */
  removeAll(): void {
    for (const path of this.paths()) this.setList(path, []);
    if (this.functionList.length > 0) {
      this.functionList = [];
      this.changed({ kind: 'functions' });
    }
  }

  /** The function breakpoints, in the order added (copies). */
  functions(): FunctionBreakpointEntry[] {
    return this.functionList.map((f) => ({ ...f }));
  }

  /** Adds a function breakpoint (blank or duplicate names are ignored). Returns whether added. */
  addFunction(name: string): boolean {
    const text = name.trim();
    if (!text || this.functionList.some((f) => f.name === text)) return false;
    this.functionList = [...this.functionList, { name: text, enabled: true }];
    this.changed({ kind: 'functions' });
    return true;
  }

  /** Removes a function breakpoint by name. */
  removeFunction(name: string): void {
    if (!this.functionList.some((f) => f.name === name)) return;
    this.functionList = this.functionList.filter((f) => f.name !== name);
    this.changed({ kind: 'functions' });
  }

  /** Enables or disables a function breakpoint. */
  setFunctionEnabled(name: string, enabled: boolean): void {
    if (!this.functionList.some((f) => f.name === name && f.enabled !== enabled)) return;
    this.functionList = this.functionList.map((f) => (f.name === name ? { ...f, enabled } : f));
    this.changed({ kind: 'functions' });
  }

  /**
   * The chosen exception filter ids (DAP `setExceptionBreakpoints` `filters`), or null when the
   * user never chose: then the tracer's defaults apply (`ExceptionBreakpointsFilter.default`).
   */
  exceptionFilters(): string[] | null {
    return this.filters ? [...this.filters] : null;
  }

  /** Replaces the chosen exception filters. */
  setExceptionFilters(filters: readonly string[]): void {
    this.filters = [...new Set(filters)];
    this.changed({ kind: 'exceptions' });
  }

  /** The enabled breakpoints of one file as DAP `SourceBreakpoint`s, sorted by line. */
  sourceBreakpointsOf(path: string): DebugProtocol.SourceBreakpoint[] {
    return (this.byPath.get(path) ?? []).filter((b) => b.enabled).map(toSourceBreakpoint);
  }

  /** The enabled function breakpoints as DAP `FunctionBreakpoint`s. */
  functionBreakpoints(): DebugProtocol.FunctionBreakpoint[] {
    return this.functionList.filter((f) => f.enabled).map((f) => ({ name: f.name }));
  }

  /** The enabled line breakpoints as `LaunchParams.breakpoints` (files with none are left out). */
  toLaunch(): LaunchBreakpoints[] {
    return this.paths()
      .map((path) => ({ path, breakpoints: this.sourceBreakpointsOf(path) }))
      .filter((file) => file.breakpoints.length > 0);
  }

  /** Called after every change; returns the remover. */
  onChange(listener: (change: BookChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setList(path: string, list: LineBreakpoint[]): void {
    if (list.length === 0) this.byPath.delete(path);
    else this.byPath.set(path, dedupeSorted(list));
    this.changed({ kind: 'source', path });
  }

  private changed(change: BookChange): void {
    this.save();
    for (const listener of this.listeners) listener(change);
  }

  private load(): void {
    try {
      const text = this.storage?.getItem(BreakpointBook.storageKey(this.profileKey));
      if (!text) return;
      const data = JSON.parse(text) as unknown;
      if (typeof data !== 'object' || data === null) return;
      const record = data as Record<string, unknown>;
      if (record['version'] === 2) this.loadV2(record);
      else this.loadV1(record);
    } catch {
      // Corrupt stored data: start empty.
    }
  }

  /** Version 1: `{ "<path>": [line, …] }`. */
  private loadV1(data: Record<string, unknown>): void {
    for (const [path, lines] of Object.entries(data)) {
      if (!Array.isArray(lines)) continue;
      const valid = lines.filter(isLine).map((line) => ({ path, line, enabled: true }));
      if (valid.length > 0) this.byPath.set(path, dedupeSorted(valid));
    }
  }

  private loadV2(data: Record<string, unknown>): void {
    const lines = Array.isArray(data['lines']) ? (data['lines'] as unknown[]) : [];
    for (const item of lines) {
      const bp = parseLineBreakpoint(item);
      if (!bp) continue;
      this.byPath.set(bp.path, dedupeSorted([...(this.byPath.get(bp.path) ?? []), bp]));
    }
    const functions = Array.isArray(data['functions']) ? (data['functions'] as unknown[]) : [];
    for (const item of functions) {
      if (typeof item !== 'object' || item === null) continue;
      const f = item as Record<string, unknown>;
      const name = typeof f['name'] === 'string' ? f['name'].trim() : '';
      if (name && !this.functionList.some((x) => x.name === name))
        this.functionList.push({ name, enabled: f['enabled'] !== false });
    }
    const filters = data['exceptionFilters'];
    if (Array.isArray(filters))
      this.filters = filters.filter((f): f is string => typeof f === 'string');
  }

  private save(): void {
    try {
      this.storage?.setItem(
        BreakpointBook.storageKey(this.profileKey),
        JSON.stringify({
          version: 2,
          lines: this.all(),
          functions: this.functionList,
          exceptionFilters: this.filters,
        }),
      );
    } catch {
      // Storage full or unavailable: the breakpoints still work for this page's lifetime.
    }
  }
}

function isLine(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}

function parseLineBreakpoint(item: unknown): LineBreakpoint | null {
  if (typeof item !== 'object' || item === null) return null;
  const raw = item as Record<string, unknown>;
  const path = raw['path'];
  const line = raw['line'];
  if (typeof path !== 'string' || !path || !isLine(line)) return null;
  const bp: LineBreakpoint = { path, line, enabled: raw['enabled'] !== false };
  for (const key of OPTION_KEYS) {
    const value = raw[key];
    if (typeof value === 'string' && value.trim()) bp[key] = value;
  }
  return bp;
}

/** One breakpoint per line (the last given wins), sorted by line. */
function dedupeSorted(list: LineBreakpoint[]): LineBreakpoint[] {
  const byLine = new Map<number, LineBreakpoint>();
  for (const bp of list) byLine.set(bp.line, bp);
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

/**
 * A book entry as DAP `SourceBreakpoint` (only the set fields); a snapshot point's condition goes
 * into its message (`src-common/snapshot-point.ts`).
 */
export function toSourceBreakpoint(bp: LineBreakpoint): DebugProtocol.SourceBreakpoint {
  const out: DebugProtocol.SourceBreakpoint = { line: bp.line };
  if (bp.condition) out.condition = bp.condition;
  if (bp.hitCondition) out.hitCondition = bp.hitCondition;
  if (bp.logMessage) out.logMessage = bp.logMessage;
  return toWire(out);
}
