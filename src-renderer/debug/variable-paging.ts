/**
 * Paging of large containers in the variables tree. debugpy (1.6) ignores DAP `start`/`count`:
 * expanding a list lists its first 100 items plus a `more` node of 1000-item buckets, a dict its
 * first 500 items plus an "Unable to handle" note, and every container ends with a `len()` entry.
 * Periscope shows {@link PAGE_SIZE} items at a time instead: the first page comes from that first
 * answer (no extra request), the others from evaluating a slice of the container through its
 * `evaluateName` (`xs[100:200]`, `dict(islice(d.items(), 100, 200))`), so a million items are never
 * requested at once.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { dapErrorText } from './dap-response.js';
import type { DapRequester } from './model-types.js';

/** Items shown per page. */
export const PAGE_SIZE = 100;

/** How a container's pages are expressed in Python. */
export type PagingKind =
  /** Sliceable sequences: `expr[a:b]`. */
  | 'slice'
  /** Mappings: `dict(islice(expr.items(), a, b))`. */
  | 'mapping'
  /** Other iterables (set, deque, …): `list(islice(expr, a, b))`; items have no evaluateName. */
  | 'iterable';

const SLICEABLE = new Set(['list', 'tuple', 'str', 'bytes', 'bytearray', 'range']);
const MAPPINGS = new Set(['dict', 'OrderedDict', 'defaultdict', 'Counter', 'mappingproxy']);

/** The entries of debugpy's answer that are not items of the container. */
const NON_ITEM_NAMES = new Set(['special variables', 'function variables', 'len()']);

/** What a container looks like when it must be paged. */
export interface PagedContainer {
  kind: PagingKind;
  length: number;
  /** The container's own `evaluateName`. */
  expression: string;
}

/**
 * Decides whether `variable`, whose first `variables` answer is `children`, is paged: it has an
 * `evaluateName`, a `len()` entry above {@link PAGE_SIZE}, and is not a user class debugpy
 * resolves some other way. Returns null otherwise.
 */
export function pagedContainer(
  variable: DebugProtocol.Variable,
  children: readonly DebugProtocol.Variable[],
): PagedContainer | null {
  const expression = variable.evaluateName;
  if (!expression) return null;
  const lengthEntry = children.find((c) => c.name === 'len()');
  const length = Number(lengthEntry?.value);
  if (!Number.isSafeInteger(length) || length <= PAGE_SIZE) return null;
  const type = variable.type ?? '';
  const kind: PagingKind = SLICEABLE.has(type)
    ? 'slice'
    : MAPPINGS.has(type)
      ? 'mapping'
      : 'iterable';
  return { kind, length, expression };
}

/** The entries of a container's answer that stay above its items (special/function variables). */
export function headerEntries(
  children: readonly DebugProtocol.Variable[],
): DebugProtocol.Variable[] {
  return children.filter((c) => c.name === 'special variables' || c.name === 'function variables');
}

/** The items of a container's first answer, at most {@link PAGE_SIZE} (the first page). */
export function firstPageItems(
  children: readonly DebugProtocol.Variable[],
): DebugProtocol.Variable[] {
  return children.filter(isItem).slice(0, PAGE_SIZE);
}

/** The Python expression of items `start` … `start + count - 1` of a container. */
export function pageExpression(container: PagedContainer, start: number, count: number): string {
  const end = start + count;
  const expr = `(${container.expression})`;
  switch (container.kind) {
    case 'slice':
      return `${expr}[${start}:${end}]`;
    case 'mapping':
      return `dict(__import__('itertools').islice(${expr}.items(), ${start}, ${end}))`;
    case 'iterable':
      return `list(__import__('itertools').islice(${expr}, ${start}, ${end}))`;
  }
}

/** Zero-padded index names, as debugpy names sequence items (`000042` in a million-item list). */
export function indexName(index: number, length: number): string {
  return String(index).padStart(String(Math.max(0, length - 1)).length, '0');
}

/**
 * Loads one page: evaluates {@link pageExpression} in `frameId` (context `variables`) and lists
 * the result's items, renamed to the container's indexes and with `evaluateName`s that address the
 * container itself (`xs[150]`, `d['k']`), so setting a value changes the real container.
 * @throws Error with the adapter's text when the evaluation or listing fails.
 */
export async function loadPage(
  dapRequest: DapRequester,
  container: PagedContainer,
  start: number,
  frameId: number,
): Promise<DebugProtocol.Variable[]> {
  const count = Math.min(PAGE_SIZE, container.length - start);
  if (count <= 0) return [];
  const expression = pageExpression(container, start, count);
  const evaluated = await dapRequest('evaluate', { expression, frameId, context: 'variables' });
  if (!evaluated.success) throw new Error(dapErrorText(evaluated));
  const ref = (evaluated as DebugProtocol.EvaluateResponse).body.variablesReference;
  if (ref <= 0) return [];
  const listed = await dapRequest('variables', { variablesReference: ref });
  if (!listed.success) throw new Error(dapErrorText(listed));
  const items = (listed as DebugProtocol.VariablesResponse).body.variables
    .filter(isItem)
    .slice(0, count);
  return items.map((item, i) => rebase(item, container, expression, start + i));
}

/** An item of a page, as if it had been listed by the container itself. */
function rebase(
  item: DebugProtocol.Variable,
  container: PagedContainer,
  pageExpr: string,
  index: number,
): DebugProtocol.Variable {
  const copy: DebugProtocol.Variable = { ...item };
  if (container.kind !== 'mapping') copy.name = indexName(index, container.length);
  if (container.kind === 'slice') {
    copy.evaluateName = `${container.expression}[${index}]`;
  } else if (container.kind === 'mapping' && item.evaluateName?.startsWith(pageExpr)) {
    copy.evaluateName = `${container.expression}${item.evaluateName.slice(pageExpr.length)}`;
  } else {
    delete copy.evaluateName;
  }
  return copy;
}

function isItem(child: DebugProtocol.Variable): boolean {
  if (NON_ITEM_NAMES.has(child.name)) return false;
  if (child.type === 'MoreItems' || child.type === 'MoreItemsRange') return false;
  return !child.name.startsWith('Unable to handle');
}
