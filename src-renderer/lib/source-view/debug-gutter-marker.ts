/**
 * The breakpoint gutter's marker: a red dot (verified breakpoint), a hollow grey circle
 * (unverified), and/or the yellow arrow of the current line, drawn on top of each other as in
 * VS Code.
 */
import { GutterMarker } from '@codemirror/view';
import { breakpointTooltip } from './debug-markers.js';
import type { SourceBreakpoint } from './debug-markers.js';

/** Gutter marker of one line. DOM: `.ps-gutter-marker > .ps-breakpoint[data-line] + .ps-current-arrow`. */
export class DebugGutterMarker extends GutterMarker {
  constructor(
    readonly line: number,
    readonly breakpoint: SourceBreakpoint | null,
    readonly current: boolean,
  ) {
    super();
  }

  override eq(other: GutterMarker): boolean {
    return (
      other instanceof DebugGutterMarker &&
      other.line === this.line &&
      other.current === this.current &&
      other.breakpoint?.verified === this.breakpoint?.verified &&
      other.breakpoint?.message === this.breakpoint?.message &&
      (other.breakpoint === null) === (this.breakpoint === null)
    );
  }

  override toDOM(): Node {
    const container = document.createElement('span');
    container.className = 'ps-gutter-marker';
    if (this.breakpoint !== null) {
      const dot = document.createElement('span');
      dot.className = this.breakpoint.verified
        ? 'ps-breakpoint'
        : 'ps-breakpoint ps-breakpoint-unverified';
      dot.dataset['line'] = String(this.line);
      dot.title = breakpointTooltip(this.breakpoint);
      container.append(dot);
    }
    if (this.current) {
      const arrow = document.createElement('span');
      arrow.className = 'ps-current-arrow';
      arrow.dataset['line'] = String(this.line);
      arrow.title = 'Current line of the selected frame';
      container.append(arrow);
    }
    return container;
  }
}
