/** The expression under the mouse in the source view. */
import { python } from '@codemirror/lang-python';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { expressionAt } from '../../../../src-renderer/editor/hover-value.js';

describe('hover values', () => {
  it('finds the hovered name with its dotted prefix, not keywords, numbers or comments', () => {
    const state = EditorState.create({
      doc: 'if self.items.count > 10:  # total here\n    x = "name"',
      extensions: [python()],
    });
    const at = (text: string, offset = 0) =>
      expressionAt(state, state.doc.toString().indexOf(text) + offset)?.text ?? null;
    expect(at('items')).toBe('self.items');
    expect(at('count', 2)).toBe('self.items.count');
    expect(at('if')).toBeNull();
    expect(at('10')).toBeNull();
    expect(at('total')).toBeNull();
    expect(at('name')).toBeNull();
    expect(at('x')).toBe('x');
  });
});
