/**
 * What a row of the variables tree can ask for, handed down the tree as one object so rows stay
 * simple. The app implements it with the active session's model.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { VariableTarget } from '../../debug/session-model.js';

/** Actions of the variables tree. */
export interface VariableActions {
  /** Expands or collapses a scope or variable (`variable` given for containers that may page). */
  toggle(variablesReference: number, variable?: DebugProtocol.Variable): void;
  /** Shows the page of a paged container that starts at item `start`. */
  showPage(variablesReference: number, start: number): void;
  /** Sets a value in place; resolves with null on success, else the error text. */
  setValue(target: VariableTarget, value: string): Promise<string | null>;
  /** The whole text of a value (debugpy cuts listed values at 1000 characters). */
  fullValue(variable: DebugProtocol.Variable): Promise<string>;
  /** Opens the full-value popover of a variable. */
  showFullValue(variable: DebugProtocol.Variable): void;
  /** Copies the whole value to the clipboard; resolves with false when that failed. */
  copyValue(variable: DebugProtocol.Variable): Promise<boolean>;
  /** Opens a DataFrame, Series or array in the data viewer (rows with an `evaluateName`). */
  viewData(variable: DebugProtocol.Variable): void;
  /** Values can be read by the data viewer (a live program; not a snapshot's recorded ones). */
  canViewData: boolean;
  /** The tracer can set values (`supportsSetVariable`). */
  canSetValue: boolean;
}

/** Values longer than this many characters get a "show full value" button. */
export const LONG_VALUE_CHARS = 60;

/**
 * Writes text to the clipboard: the async Clipboard API where the page may use it, else a hidden
 * textarea and `document.execCommand('copy')`. Resolves with whether it worked.
 */
export async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}
