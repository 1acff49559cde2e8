/**
 * Variables of the selected frame: its scopes, lazily loaded children (DAP `scopes`,
 * `variables`), paging of big containers (debugpy has no start/count paging, so pages are
 * slices evaluated in the frame, see `variable-paging.ts`) and setting a value in place.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { expectSuccess } from './dap-response.js';
import type { ContainerPage, VariableChildren } from './session-view.js';
import { setValue } from './inspection.js';
import {
  PAGE_SIZE,
  firstPageItems,
  headerEntries,
  indexName,
  loadPage,
  pagedContainer,
} from './variable-paging.js';
import type { ModelCore } from './model-core.js';
import type { VariableTarget } from './model-types.js';
import { reevaluateWatches } from './watches.js';
import { RESTORE_MAX_ROWS } from './expansion-memory.js';
import { errorMessage } from '../../src-common/errors.js';

/** The variables part of a view with nothing loaded. */
export function emptyVariables(): {
  scopes: DebugProtocol.Scope[];
  children: Map<number, VariableChildren>;
  expanded: Set<number>;
  pages: Map<number, ContainerPage>;
  scopesError: null;
  staleVariables: false;
} {
  return {
    scopes: [],
    children: new Map(),
    expanded: new Set(),
    pages: new Map(),
    scopesError: null,
    staleVariables: false,
  };
}

/**
 * Loads the scopes of a frame and expands the first cheap one. When the view still shows the
 * previous stop's variables (`staleVariables`), they stay until the new ones are loaded and are
 * then replaced in one change (no "Loading…" flash between two steps); otherwise the scopes and
 * the first scope's variables are shown as they arrive.
 */
export async function loadScopes(
  core: ModelCore,
  frameId: number,
  isCurrent: () => boolean,
): Promise<void> {
  const replaceStale = core.current.staleVariables;
  try {
    const response = expectSuccess<DebugProtocol.ScopesResponse>(
      await core.deps.dapRequest('scopes', { frameId }),
    );
    if (!isCurrent()) return;
    const scopes = response.body.scopes;
    core.expansion.newStop();
    const first = scopes.find((s) => !s.expensive && s.variablesReference > 0);
    // The first cheap scope opens by itself; others the person left open open again.
    const reopened = scopes.filter(
      (s) =>
        s.variablesReference > 0 &&
        core.expansion.isOpen(core.expansion.noteScope(s)) &&
        s !== first,
    );
    if (replaceStale) {
      const fresh = emptyVariables();
      await openRows(core, [...(first ? [first] : []), ...reopened], fresh);
      if (isCurrent()) core.update({ ...fresh, scopes });
      return;
    }
    core.update({ scopes });
    if (first) {
      core.update({ expanded: new Set([...core.current.expanded, first.variablesReference]) });
      await loadChildren(core, first.variablesReference, isCurrent);
    }
    const tree: OpenTree = {
      children: new Map(core.current.children),
      expanded: new Set(core.current.expanded),
      pages: new Map(core.current.pages),
    };
    const opened = await openRows(core, [...(first ? [first] : []), ...reopened], tree);
    if (opened && isCurrent()) core.update(tree);
  } catch (err) {
    if (!isCurrent()) return;
    const base = replaceStale ? emptyVariables() : {};
    core.update({ ...base, scopesError: errorMessage(err) });
  }
}

/** The parts of the view {@link openRows} fills in. */
interface OpenTree {
  children: Map<number, VariableChildren>;
  expanded: Set<number>;
  pages: Map<number, ContainerPage>;
}

/**
 * Opens `roots` (scopes) in `tree`, then, breadth first, every row under them on a path the
 * person left open (`expansion-memory.ts`), at most {@link RESTORE_MAX_ROWS} containers; big
 * containers get their first page as when opened by hand. @returns true when it opened any row
 * that was not open in `tree` already.
 */
async function openRows(
  core: ModelCore,
  roots: readonly DebugProtocol.Scope[],
  tree: OpenTree,
): Promise<boolean> {
  const queue: { ref: number; variable?: DebugProtocol.Variable }[] = roots.map((s) => ({
    ref: s.variablesReference,
  }));
  let changed = false;
  for (let opened = 0; queue.length > 0 && opened < RESTORE_MAX_ROWS; opened++) {
    const { ref, variable } = queue.shift() as { ref: number; variable?: DebugProtocol.Variable };
    if (!tree.expanded.has(ref)) changed = true;
    tree.expanded.add(ref);
    let known = tree.children.get(ref);
    if (known?.status !== 'loaded') {
      known = await fetchChildren(core, { variablesReference: ref });
      tree.children.set(ref, known);
      changed = true;
    }
    if (known.status !== 'loaded') continue;
    let rows = known.variables;
    const paged = variable && !tree.pages.has(ref) ? pagedView(core, ref, variable, rows) : null;
    if (paged) {
      tree.children.set(ref, paged.header);
      tree.pages.set(ref, paged.page);
      rows = [...paged.header.variables, ...paged.page.variables];
    }
    for (const child of rows) {
      const childRef = child.variablesReference;
      if (childRef > 0 && core.expansion.isOpen(core.expansion.pathOf(childRef)))
        queue.push({ ref: childRef, variable: child });
    }
  }
  return changed;
}

async function fetchChildren(
  core: ModelCore,
  container: { variablesReference: number },
): Promise<VariableChildren> {
  try {
    const response = expectSuccess<DebugProtocol.VariablesResponse>(
      await core.deps.dapRequest('variables', { variablesReference: container.variablesReference }),
    );
    core.expansion.noteChildren(container.variablesReference, response.body.variables);
    return { status: 'loaded', variables: response.body.variables };
  } catch (err) {
    return { status: 'error', message: errorMessage(err) };
  }
}

/**
 * Loads the children of `ref` once (again after an error), showing "loading" meanwhile. With
 * `variable` (the container's row), a container of more than {@link PAGE_SIZE} items is shown a
 * page at a time; its header entries and first page are published in the same change as the
 * answer, so the tree never paints the unpaged answer first (a hundred rows built, then rebuilt).
 */
export async function loadChildren(
  core: ModelCore,
  ref: number,
  isCurrent: () => boolean,
  variable?: DebugProtocol.Variable,
): Promise<void> {
  const known = core.current.children.get(ref);
  if (known?.status === 'loaded') {
    if (variable && isCurrent()) showPaged(core, ref, variable, known.variables);
    return;
  }
  if (known?.status === 'loading') return;
  setChildren(core, ref, { status: 'loading' });
  const children = await fetchChildren(core, { variablesReference: ref });
  if (!isCurrent()) return;
  if (variable && children.status === 'loaded') {
    if (showPaged(core, ref, variable, children.variables)) return;
  }
  setChildren(core, ref, children);
}

/**
 * Expands or collapses a scope or variable; expanding loads its children once. A variable with
 * more than {@link PAGE_SIZE} items (given as `variable`) is shown a page at a time. Ignored
 * while the variables shown are from the previous stop.
 */
export async function toggleExpanded(
  core: ModelCore,
  variablesReference: number,
  variable?: DebugProtocol.Variable,
): Promise<void> {
  if (core.current.staleVariables) return;
  const expanded = new Set(core.current.expanded);
  if (expanded.has(variablesReference)) {
    expanded.delete(variablesReference);
    core.expansion.setOpen(variablesReference, false);
    core.update({ expanded });
    return;
  }
  expanded.add(variablesReference);
  core.expansion.setOpen(variablesReference, true);
  core.update({ expanded });
  await loadChildren(core, variablesReference, core.isCurrentFrame(), variable);
}

/**
 * Shows the answer `children` of `variable` a page at a time when it is a big container (see
 * `variable-paging.ts`): its header entries as children and its first page, in one change.
 * Returns false (nothing changed) when it is not paged or is paged already.
 */
function showPaged(
  core: ModelCore,
  ref: number,
  variable: DebugProtocol.Variable,
  children: readonly DebugProtocol.Variable[],
): boolean {
  if (core.current.pages.has(ref)) return false;
  const paged = pagedView(core, ref, variable, children);
  if (!paged) return false;
  const loaded = new Map(core.current.children);
  loaded.set(ref, paged.header);
  const pages = new Map(core.current.pages);
  pages.set(ref, paged.page);
  core.update({ children: loaded, pages });
  return true;
}

/**
 * A big container's header entries and first page (and how to fetch its other pages, kept in
 * `core.containers`), or null when `variable` is not paged.
 */
function pagedView(
  core: ModelCore,
  ref: number,
  variable: DebugProtocol.Variable,
  children: readonly DebugProtocol.Variable[],
): { header: VariableChildren & { status: 'loaded' }; page: ContainerPage } | null {
  const container = pagedContainer(variable, children);
  if (!container) return null;
  core.containers.set(ref, container);
  const items = firstPageItems(children).map((item, i) =>
    container.kind === 'iterable' ? { ...item, name: indexName(i, container.length) } : item,
  );
  core.expansion.noteChildren(ref, items);
  return {
    header: { status: 'loaded', variables: headerEntries(children) },
    page: { length: container.length, start: 0, status: 'loaded', variables: items },
  };
}

/**
 * Shows the page of a paged container that starts at `start` (clamped to the container and
 * rounded down to a page boundary): evaluates a slice of it in the selected frame.
 */
export async function showPage(
  core: ModelCore,
  variablesReference: number,
  start: number,
): Promise<void> {
  const container = core.containers.get(variablesReference);
  const frameId = core.current.selectedFrameId;
  const page = core.current.pages.get(variablesReference);
  if (!container || !page || frameId === null || core.current.state !== 'stopped') return;
  if (core.current.staleVariables) return;
  const last = Math.max(0, container.length - 1);
  const first = Math.floor(Math.min(Math.max(0, start), last) / PAGE_SIZE) * PAGE_SIZE;
  const isCurrent = core.isCurrentFrame();
  setPage(core, variablesReference, { ...page, start: first, status: 'loading' });
  let next: ContainerPage;
  try {
    const variables = await loadPage(core.deps.dapRequest, container, first, frameId);
    core.expansion.noteChildren(variablesReference, variables);
    next = { length: container.length, start: first, status: 'loaded', variables };
  } catch (err) {
    next = { ...page, start: first, status: 'error', variables: [], message: errorMessage(err) };
  }
  if (!isCurrent()) return;
  if (core.current.pages.get(variablesReference)?.start !== first) return;
  setPage(core, variablesReference, next);
}

/**
 * Sets a variable to the value of a Python expression (DAP `setVariable`, or `setExpression`
 * for items of a page after the first), updates its row and re-evaluates the watches.
 * Returns null on success, else the error text to show at the input.
 */
export async function setVariable(
  core: ModelCore,
  target: VariableTarget,
  value: string,
): Promise<string | null> {
  if (core.current.state !== 'stopped') return 'The program is not paused.';
  if (core.current.staleVariables) return 'The variables are being refreshed; try again.';
  const frameId = core.current.selectedFrameId;
  const result = await setValue(
    core.deps.dapRequest,
    { containerRef: target.containerRef, variable: target.variable, frameId },
    value,
    core.current.capabilities,
  );
  if (!result.ok) return result.message;
  const replace = (v: DebugProtocol.Variable): DebugProtocol.Variable =>
    v.name === target.variable.name && v.evaluateName === target.variable.evaluateName
      ? {
          ...v,
          value: result.value,
          ...(result.type ? { type: result.type } : {}),
          variablesReference: result.variablesReference,
        }
      : v;
  const children = new Map(core.current.children);
  for (const [ref, entry] of children) {
    if (entry.status === 'loaded')
      children.set(ref, { ...entry, variables: entry.variables.map(replace) });
  }
  const pages = new Map(core.current.pages);
  for (const [ref, page] of pages)
    pages.set(ref, { ...page, variables: page.variables.map(replace) });
  core.update({ children, pages });
  await reevaluateWatches(core);
  return null;
}

function setPage(core: ModelCore, ref: number, page: ContainerPage): void {
  const pages = new Map(core.current.pages);
  pages.set(ref, page);
  core.update({ pages });
}

function setChildren(core: ModelCore, ref: number, value: VariableChildren): void {
  const children = new Map(core.current.children);
  children.set(ref, value);
  core.update({ children });
}
