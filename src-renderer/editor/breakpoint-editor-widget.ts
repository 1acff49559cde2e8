/**
 * The inline breakpoint editor (as VS Code's): a block widget under a line with a mode select
 * (Expression / Hit Count / Log Message) and one input. Enter saves all three fields, Escape
 * cancels. Opened and closed with {@link setBreakpointEditorEffect}; what to do on save/cancel
 * comes from the callbacks given to {@link breakpointEditor}.
 */
import { StateEffect, StateField } from '@codemirror/state';
import type { Extension } from '@codemirror/state';
import { Decoration, EditorView, WidgetType } from '@codemirror/view';
import type { DecorationSet } from '@codemirror/view';

/** Which field the editor shows. */
export type EditorMode = 'condition' | 'hitCondition' | 'logMessage';

/** The three fields of a breakpoint the editor edits ('' = unset). */
export interface EditorValues {
  condition: string;
  hitCondition: string;
  logMessage: string;
}

/** What the editor is open on. */
export interface BreakpointEditorTarget {
  /** 1-based line. */
  line: number;
  mode: EditorMode;
  values: EditorValues;
}

/** What the editor reports. */
export interface BreakpointEditorCallbacks {
  /** Enter: the values to save. Return an error text to keep the editor open and show it. */
  save(line: number, values: EditorValues): string | null;
  /** Escape (or the close button). */
  cancel(): void;
}

/** Opens the editor on a line, or closes it (`null`). */
export const setBreakpointEditorEffect = StateEffect.define<BreakpointEditorTarget | null>();

const MODES: { mode: EditorMode; label: string; input: string; placeholder: string }[] = [
  {
    mode: 'condition',
    label: 'Expression',
    input: 'Breakpoint condition',
    placeholder: "Break when expression evaluates to true. 'Enter' to accept, 'Esc' to cancel.",
  },
  {
    mode: 'hitCondition',
    label: 'Hit Count',
    input: 'Hit count',
    placeholder:
      "Break when hit count condition is met: 5, ==5, >=5, %5. 'Enter' to accept, 'Esc' to cancel.",
  },
  {
    mode: 'logMessage',
    label: 'Log Message',
    input: 'Log message',
    placeholder:
      "Message to log when the line runs; {expression} is interpolated. 'Enter' to accept, 'Esc' to cancel.",
  },
];

class BreakpointEditorWidget extends WidgetType {
  constructor(
    readonly target: BreakpointEditorTarget,
    readonly callbacks: BreakpointEditorCallbacks,
  ) {
    super();
  }

  override eq(other: BreakpointEditorWidget): boolean {
    const a = this.target;
    const b = other.target;
    return (
      a.line === b.line &&
      a.mode === b.mode &&
      a.values.condition === b.values.condition &&
      a.values.hitCondition === b.values.hitCondition &&
      a.values.logMessage === b.values.logMessage
    );
  }

  override toDOM(): HTMLElement {
    const values: EditorValues = { ...this.target.values };
    let mode = this.target.mode;
    const root = document.createElement('div');
    root.className = 'ps-bp-editor';
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', `Edit breakpoint on line ${this.target.line}`);
    root.dataset['line'] = String(this.target.line);

    const row = document.createElement('div');
    row.className = 'ps-bp-editor-row';
    const select = document.createElement('select');
    select.setAttribute('aria-label', 'Breakpoint type');
    for (const m of MODES) {
      const option = document.createElement('option');
      option.value = m.mode;
      option.textContent = m.label;
      select.append(option);
    }
    const input = document.createElement('input');
    input.type = 'text';
    input.spellcheck = false;
    input.className = 'ps-bp-editor-input';
    const error = document.createElement('div');
    error.className = 'ps-bp-editor-error';
    error.setAttribute('role', 'alert');

    const show = (): void => {
      const info = MODES.find((m) => m.mode === mode) ?? MODES[0];
      select.value = mode;
      input.value = values[mode];
      if (info) {
        input.placeholder = info.placeholder;
        input.setAttribute('aria-label', info.input);
      }
      error.textContent = '';
    };
    show();
    select.addEventListener('change', () => {
      values[mode] = input.value;
      mode = select.value as EditorMode;
      show();
      input.focus();
    });
    input.addEventListener('input', () => {
      values[mode] = input.value;
      error.textContent = '';
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        values[mode] = input.value;
        const problem = this.callbacks.save(this.target.line, { ...values });
        error.textContent = problem ?? '';
      } else if (event.key === 'Escape') {
        event.preventDefault();
        this.callbacks.cancel();
      }
    });
    row.append(select, input);
    root.append(row, error);
    requestAnimationFrame(() => input.focus());
    return root;
  }

  override ignoreEvent(): boolean {
    return true;
  }
}

/** The inline editor's state field; add it to the editor's extensions. */
export function breakpointEditor(callbacks: BreakpointEditorCallbacks): Extension {
  const field = StateField.define<{ target: BreakpointEditorTarget | null; deco: DecorationSet }>({
    create: () => ({ target: null, deco: Decoration.none }),
    update(value, transaction) {
      let target = value.target;
      let changed = false;
      for (const effect of transaction.effects) {
        if (effect.is(setBreakpointEditorEffect)) {
          target = effect.value;
          changed = true;
        }
      }
      if (target && target.line > transaction.state.doc.lines) target = null;
      if (!changed && !transaction.docChanged) return value;
      if (!target) return { target: null, deco: Decoration.none };
      const line = transaction.state.doc.line(target.line);
      const widget = Decoration.widget({
        widget: new BreakpointEditorWidget(target, callbacks),
        block: true,
        side: 1,
      });
      return { target, deco: Decoration.set([widget.range(line.to)]) };
    },
    provide: (f) => EditorView.decorations.from(f, (value) => value.deco),
  });
  return [field, editorTheme];
}

const editorTheme = EditorView.theme({
  '.ps-bp-editor': {
    margin: '2px 0 4px',
    padding: '6px 8px',
    borderTop: '2px solid var(--ps-accent, #0078d4)',
    borderBottom: '2px solid var(--ps-accent, #0078d4)',
    backgroundColor: 'var(--ps-panel-background, #181818)',
    fontFamily: 'var(--ps-font-ui, system-ui, sans-serif)',
    fontSize: '13px',
  },
  '.ps-bp-editor-row': { display: 'flex', gap: '8px', alignItems: 'center' },
  '.ps-bp-editor select': {
    flex: 'none',
    height: '24px',
    color: 'var(--ps-editor-foreground, #cccccc)',
    backgroundColor: 'var(--ps-input-background, #313131)',
    border: '1px solid var(--ps-border, #3c3c3c)',
    borderRadius: '2px',
  },
  '.ps-bp-editor-input': {
    flex: '1',
    minWidth: '0',
    height: '24px',
    padding: '0 6px',
    color: 'var(--ps-editor-foreground, #cccccc)',
    backgroundColor: 'var(--ps-input-background, #313131)',
    border: '1px solid var(--ps-accent, #0078d4)',
    borderRadius: '2px',
    outline: 'none',
    fontFamily: 'var(--ps-font-mono, monospace)',
    fontSize: '13px',
  },
  '.ps-bp-editor-error': { color: '#f48771', fontSize: '12px', paddingTop: '2px' },
  '.ps-bp-editor-error:empty': { display: 'none' },
});
