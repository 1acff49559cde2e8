/**
 * Values under the mouse in the source view: hovering a name (or a dotted chain up to the hovered
 * part, `self.items`) while the program is paused shows its value, evaluated in the selected frame
 * with DAP `evaluate` context `hover` (VS Code's debug hover). Comments, strings, numbers and
 * keywords get no tooltip. The evaluator is set by the sessions store ({@link setHoverEvaluator});
 * without one, or when it answers null, nothing is shown.
 */
import { syntaxTree } from '@codemirror/language';
import type { EditorState, Extension } from '@codemirror/state';
import { EditorView, hoverTooltip, type Tooltip } from '@codemirror/view';

import { hoverEvaluator, type HoverResult } from './hover-evaluator.js';
export { setHoverEvaluator, type HoverEvaluator, type HoverResult } from './hover-evaluator.js';

/** Characters of a value shown in the tooltip (the rest is cut with "…"). */
export const HOVER_VALUE_LIMIT = 4000;

const KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except ' +
    'finally for from global if import in is lambda nonlocal not or pass raise return try while ' +
    'with yield match case'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}_]/u;

/**
 * The expression at `pos`: the identifier around it and the `name.` parts before it, up to the
 * hovered identifier (hovering `b` in `a.b.c` gives `a.b`). Null outside identifiers, in
 * comments and strings, on numbers and keywords.
 */
export function expressionAt(
  state: EditorState,
  pos: number,
): { from: number; to: number; text: string } | null {
  const line = state.doc.lineAt(pos);
  const text = line.text;
  let start = pos - line.from;
  let end = start;
  while (start > 0 && WORD.test(text.charAt(start - 1))) start--;
  while (end < text.length && WORD.test(text.charAt(end))) end++;
  if (start === end) return null;
  const word = text.slice(start, end);
  if (KEYWORDS.has(word) || /^\d/.test(word)) return null;
  const node = syntaxTree(state).resolveInner(line.from + start, 1);
  if (/Comment|String/.test(node.type.name)) return null;
  while (start > 1 && text.charAt(start - 1) === '.' && WORD.test(text.charAt(start - 2))) {
    let s = start - 1;
    while (s > 0 && WORD.test(text.charAt(s - 1))) s--;
    if (/^\d/.test(text.slice(s, start - 1))) break;
    start = s;
  }
  return { from: line.from + start, to: line.from + end, text: text.slice(start, end) };
}

/** The CodeMirror extension: a hover tooltip with the value and type of the hovered name. */
export function hoverValue(): Extension {
  return [
    hoverTooltip(
      async (view, pos): Promise<Tooltip | null> => {
        const current = hoverEvaluator();
        if (!current) return null;
        const found = expressionAt(view.state, pos);
        if (!found) return null;
        const result = await current(found.text);
        if (!result) return null;
        return {
          pos: found.from,
          end: found.to,
          above: true,
          create: () => ({ dom: renderHover(result) }),
        };
      },
      { hoverTime: 350 },
    ),
    hoverTheme,
  ];
}

function renderHover(result: HoverResult): HTMLElement {
  const dom = document.createElement('div');
  dom.className = 'ps-hover-value';
  dom.setAttribute('role', 'tooltip');
  dom.setAttribute('data-testid', 'hover-value');
  const head = document.createElement('div');
  head.className = 'ps-hover-head';
  const name = document.createElement('span');
  name.className = 'ps-hover-name';
  name.textContent = result.expression;
  head.append(name);
  if (result.type) {
    const type = document.createElement('span');
    type.className = 'ps-hover-type';
    type.textContent = result.type;
    head.append(type);
  }
  const value = document.createElement('pre');
  value.className = 'ps-hover-text';
  value.textContent =
    result.value.length > HOVER_VALUE_LIMIT
      ? `${result.value.slice(0, HOVER_VALUE_LIMIT)}…`
      : result.value;
  dom.append(head, value);
  return dom;
}

const hoverTheme = EditorView.baseTheme({
  '.cm-tooltip.cm-tooltip-hover:has(.ps-hover-value)': {
    backgroundColor: '#252526',
    border: '1px solid #454545',
    borderRadius: '4px',
    boxShadow: '0 2px 8px rgba(0, 0, 0, 0.45)',
  },
  '.ps-hover-value': {
    maxWidth: '560px',
    padding: '4px 8px 6px',
    fontFamily: 'var(--font-mono, monospace)',
    fontSize: '12px',
    color: '#cccccc',
  },
  '.ps-hover-head': { display: 'flex', gap: '10px', alignItems: 'baseline', marginBottom: '2px' },
  '.ps-hover-name': { color: '#9cdcfe' },
  '.ps-hover-type': { color: '#4ec9b0', fontSize: '11px' },
  '.ps-hover-text': {
    margin: 0,
    maxHeight: '240px',
    overflow: 'auto',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    color: '#ce9178',
  },
});
