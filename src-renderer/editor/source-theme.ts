/**
 * The source view's dark theme (VS Code Dark Modern colours) and Python highlight style. Colours
 * are `--ps-*` CSS custom properties with these defaults, so the app can re-theme the view.
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

/** Default monospace font stack of Periscope's code views. */
export const MONO_FONT =
  '"JetBrains Mono", "Fira Code", Menlo, Consolas, "DejaVu Sans Mono", monospace';

const breakpointRed = 'var(--ps-breakpoint, #e51400)';
const currentYellow = 'var(--ps-current-line, #ffcc00)';

/** Editor chrome: background, gutters, breakpoint and current-line marks. */
export const sourceTheme = EditorView.theme(
  {
    '&': {
      height: '100%',
      color: 'var(--ps-editor-foreground, #cccccc)',
      backgroundColor: 'var(--ps-editor-background, #1f1f1f)',
      fontSize: 'var(--ps-font-size-mono, 13px)',
    },
    '.cm-scroller': {
      fontFamily: `var(--ps-font-mono, ${MONO_FONT})`,
      lineHeight: '1.5',
    },
    '.cm-content': { caretColor: 'transparent', padding: '4px 0' },
    '.cm-content ::selection, .cm-line::selection': {
      backgroundColor: 'var(--ps-selection-background, #264f78)',
    },
    '&.cm-focused': { outline: 'none' },
    // Find (Ctrl+F) and Go to Line (Ctrl+G): the app's inputs and buttons, VS Code's match colours.
    '.cm-panels': {
      backgroundColor: 'var(--panel, #181818)',
      color: 'var(--text, #cccccc)',
      fontFamily: 'var(--font-ui, system-ui, sans-serif)',
      fontSize: '12px',
    },
    '.cm-panels-top': { borderBottom: '1px solid var(--border, #2b2b2b)' },
    '.cm-panel.cm-search, .cm-panel.cm-gotoLine, .cm-dialog': {
      padding: '6px 28px 6px 10px',
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: '6px',
    },
    '.cm-panel.cm-search br': { display: 'none' },
    '.cm-textfield': {
      backgroundColor: 'var(--input-bg, #313131)',
      color: 'var(--text, #cccccc)',
      border: '1px solid var(--input-border, #3c3c3c)',
      borderRadius: '3px',
      padding: '3px 6px',
      fontFamily: `var(--ps-font-mono, ${MONO_FONT})`,
      fontSize: '12px',
      margin: '0',
    },
    '.cm-textfield:focus': { outline: '1px solid var(--focus, #0078d4)', outlineOffset: '-1px' },
    '.cm-button': {
      backgroundImage: 'none',
      backgroundColor: 'var(--input-bg, #313131)',
      color: 'var(--text, #cccccc)',
      border: '1px solid var(--input-border, #3c3c3c)',
      borderRadius: '3px',
      padding: '3px 8px',
      margin: '0',
      fontSize: '12px',
      cursor: 'pointer',
    },
    '.cm-button:hover': { backgroundColor: 'var(--hover, #2a2d2e)' },
    '.cm-panel label': { display: 'inline-flex', alignItems: 'center', gap: '3px' },
    '.cm-panel button[name=close]': {
      color: 'var(--muted, #9d9d9d)',
      fontSize: '16px',
      top: '4px',
      right: '6px',
    },
    '.cm-searchMatch': {
      backgroundColor: 'rgba(234, 92, 0, 0.33)',
      outline: '1px solid rgba(234, 92, 0, 0.6)',
    },
    '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'rgba(81, 92, 106, 0.9)' },
    '.cm-selectionMatch': { backgroundColor: 'rgba(173, 214, 255, 0.15)' },
    '.cm-gutters': {
      backgroundColor: 'var(--ps-editor-background, #1f1f1f)',
      color: 'var(--ps-line-number, #6e7681)',
      border: 'none',
    },
    '.cm-lineNumbers .cm-gutterElement': {
      cursor: 'pointer',
      padding: '0 16px 0 4px',
      minWidth: '3ch',
    },
    '.cm-lineNumbers .cm-gutterElement:hover': { color: 'var(--ps-editor-foreground, #cccccc)' },
    '.ps-breakpoint-gutter .cm-gutterElement': {
      position: 'relative',
      width: '18px',
      cursor: 'pointer',
    },
    // Hover hint: a faint dot where a click would set a breakpoint (covered by a real one).
    '.ps-breakpoint-gutter .cm-gutterElement:hover::before': {
      content: '""',
      position: 'absolute',
      left: '4px',
      top: 'calc(50% - 5px)',
      width: '10px',
      height: '10px',
      borderRadius: '50%',
      backgroundColor: 'var(--ps-breakpoint-hint, rgba(229, 20, 0, 0.4))',
    },
    '.ps-gutter-marker': { position: 'absolute', inset: '0' },
    '.ps-breakpoint': {
      position: 'absolute',
      left: '4px',
      top: 'calc(50% - 5px)',
      width: '10px',
      height: '10px',
      boxSizing: 'border-box',
      borderRadius: '50%',
      backgroundColor: breakpointRed,
    },
    '.ps-breakpoint-unverified': {
      backgroundColor: 'transparent',
      border: '1.5px solid var(--ps-breakpoint-unverified, #848484)',
    },
    '.ps-breakpoint-disabled': {
      backgroundColor: 'transparent',
      border: '1.5px solid var(--ps-breakpoint-disabled, #848484)',
    },
    // Conditional / hit count: a dot with an "=" bar, as VS Code draws it.
    '.ps-breakpoint-conditional::after': {
      content: '""',
      position: 'absolute',
      left: '2px',
      right: '2px',
      top: 'calc(50% - 2px)',
      height: '4px',
      boxSizing: 'border-box',
      borderTop: '1.5px solid var(--ps-editor-background, #1f1f1f)',
      borderBottom: '1.5px solid var(--ps-editor-background, #1f1f1f)',
    },
    '.ps-breakpoint-disabled.ps-breakpoint-conditional::after, .ps-breakpoint-unverified.ps-breakpoint-conditional::after':
      { left: '1px', right: '1px', borderColor: 'var(--ps-breakpoint-unverified, #848484)' },
    // Logpoint: a diamond.
    '.ps-breakpoint-log': {
      borderRadius: '1px',
      width: '8px',
      height: '8px',
      left: '5px',
      top: 'calc(50% - 4px)',
      transform: 'rotate(45deg)',
    },
    // Snapshot point: a square, blue (it records, it never stops).
    '.ps-breakpoint-snapshot': {
      borderRadius: '1px',
      width: '9px',
      height: '9px',
      left: '4px',
      top: 'calc(50% - 4.5px)',
      backgroundColor: 'var(--ps-snapshot-point, #3794ff)',
    },
    // Something is wrong (moved, never hit, not verified): a small amber triangle.
    '.ps-breakpoint-warning': {
      position: 'absolute',
      left: '10px',
      top: 'calc(50% + 0px)',
      width: '8px',
      height: '7px',
      backgroundColor: 'var(--ps-breakpoint-warning, #cca700)',
      clipPath: 'polygon(50% 0, 100% 100%, 0 100%)',
    },
    '.ps-current-arrow': {
      position: 'absolute',
      left: '2px',
      top: 'calc(50% - 6px)',
      width: '14px',
      height: '12px',
      backgroundColor: currentYellow,
      clipPath: 'polygon(0 30%, 55% 30%, 55% 0, 100% 50%, 55% 100%, 55% 70%, 0 70%)',
    },
    '.ps-current-line': {
      backgroundColor: 'var(--ps-current-line-background, rgba(255, 204, 0, 0.15))',
      boxShadow: `inset 2px 0 0 ${currentYellow}`,
    },
  },
  { dark: true },
);

/** Token colours (VS Code Dark Modern). */
export const sourceHighlightStyle = HighlightStyle.define([
  { tag: [t.keyword, t.definitionKeyword, t.moduleKeyword, t.modifier], color: '#569cd6' },
  { tag: [t.controlKeyword, t.operatorKeyword], color: '#c586c0' },
  { tag: [t.bool, t.null, t.self, t.atom], color: '#569cd6' },
  { tag: [t.string, t.special(t.string)], color: '#ce9178' },
  { tag: t.escape, color: '#d7ba7d' },
  { tag: t.number, color: '#b5cea8' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: '#6a9955' },
  {
    tag: [
      t.function(t.variableName),
      t.function(t.propertyName),
      t.function(t.definition(t.variableName)),
    ],
    color: '#dcdcaa',
  },
  { tag: [t.className, t.definition(t.className), t.typeName], color: '#4ec9b0' },
  { tag: [t.variableName, t.propertyName], color: '#9cdcfe' },
  { tag: t.meta, color: '#dcdcaa' },
  {
    tag: [
      t.operator,
      t.arithmeticOperator,
      t.compareOperator,
      t.definitionOperator,
      t.updateOperator,
      t.bitwiseOperator,
    ],
    color: '#d4d4d4',
  },
  {
    tag: [t.paren, t.squareBracket, t.brace, t.separator, t.derefOperator, t.punctuation],
    color: '#cccccc',
  },
  { tag: t.invalid, color: '#f44747' },
]);

/** Theme and highlighting together. */
export function sourceAppearance(): Extension {
  return [sourceTheme, syntaxHighlighting(sourceHighlightStyle)];
}
