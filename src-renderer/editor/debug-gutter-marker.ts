/**
 * The breakpoint gutter's marker: a red dot (verified breakpoint), a hollow grey circle
 * (unverified or disabled), a dot with a bar (conditional / hit count), a diamond (logpoint), a
 * small warning badge when something is wrong, and/or the yellow arrow of the current line, drawn
 * on top of each other as in VS Code.
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
    const a = this.breakpoint;
    const b = other instanceof DebugGutterMarker ? other.breakpoint : undefined;
    return (
      other instanceof DebugGutterMarker &&
      other.line === this.line &&
      other.current === this.current &&
      (a === null) === (b === null) &&
      b?.verified === a?.verified &&
      b?.message === a?.message &&
      (b?.enabled ?? true) === (a?.enabled ?? true) &&
      (b?.kind ?? 'plain') === (a?.kind ?? 'plain') &&
      (b?.warning ?? false) === (a?.warning ?? false)
    );
  }

  override toDOM(): Node {
    const container = document.createElement('span');
    container.className = 'ps-gutter-marker';
    const bp = this.breakpoint;
    if (bp !== null) {
      const dot = document.createElement('span');
      const classes = ['ps-breakpoint'];
      if (!bp.verified) classes.push('ps-breakpoint-unverified');
      if (bp.enabled === false) classes.push('ps-breakpoint-disabled');
      if (bp.kind === 'conditional') classes.push('ps-breakpoint-conditional');
      if (bp.kind === 'log') classes.push('ps-breakpoint-log');
      if (bp.kind === 'snapshot') classes.push('ps-breakpoint-snapshot');
      dot.className = classes.join(' ');
      dot.dataset['line'] = String(this.line);
      dot.dataset['kind'] = bp.kind ?? 'plain';
      dot.dataset['state'] =
        bp.enabled === false ? 'disabled' : bp.verified ? 'verified' : 'unverified';
      dot.title = breakpointTooltip(bp);
      container.append(dot);
      if (bp.warning) {
        const badge = document.createElement('span');
        badge.className = 'ps-breakpoint-warning';
        badge.dataset['line'] = String(this.line);
        badge.title = dot.title;
        container.append(badge);
      }
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
