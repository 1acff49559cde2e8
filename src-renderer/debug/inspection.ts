/**
 * Requests that inspect or change values in a stopped frame: the full text of a value, hover
 * values, console completions, setting a variable. Each takes the session's {@link DapRequester}
 * and never throws unless it says so.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { dapErrorText, lastLine } from './dap-response.js';
import type { DapRequester } from './model-types.js';
import { errorMessage } from '../../src-common/errors.js';

/**
 * The whole text of a variable's value. debugpy shortens container reprs (`[0, 1, 2, ...]`, in
 * every `evaluate` context, `clipboard` included) but sends strings whole, so the full text is
 * `repr(<evaluateName>)` evaluated in the frame and unquoted. Falls back to the listed value when
 * the variable has no `evaluateName` or no frame is selected.
 * @throws Error with the adapter's last traceback line when the evaluation fails.
 */
export async function fullValue(
  dapRequest: DapRequester,
  variable: Pick<DebugProtocol.Variable, 'value' | 'evaluateName'>,
  frameId: number | null,
  capabilities: DebugProtocol.Capabilities,
): Promise<string> {
  if (!variable.evaluateName || frameId === null) return variable.value;
  const context = capabilities.supportsClipboardContext ? 'clipboard' : 'variables';
  const response = await dapRequest('evaluate', {
    expression: `repr(${variable.evaluateName})`,
    frameId,
    context,
  });
  if (!response.success) throw new Error(lastLine(dapErrorText(response)));
  const result = (response as DebugProtocol.EvaluateResponse).body.result;
  return parsePythonString(result) ?? result;
}

/**
 * The text of a Python string literal as `repr()` writes it (`'a\\nb'`, `"it's"`), or null when
 * `literal` is not one. Escapes: `\\ \' \" \n \r \t \xhh \uhhhh \Uhhhhhhhh`; others stay as written.
 */
export function parsePythonString(literal: string): string | null {
  const quote = literal.charAt(0);
  if (literal.length < 2 || (quote !== "'" && quote !== '"') || !literal.endsWith(quote)) {
    return null;
  }
  const body = literal.slice(1, -1);
  const simple: Record<string, string> = {
    n: '\n',
    r: '\r',
    t: '\t',
    '\\': '\\',
    "'": "'",
    '"': '"',
  };
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g,
    (whole, code: string) => {
      if (code.length > 1) return String.fromCodePoint(parseInt(code.slice(1), 16));
      return simple[code] ?? whole;
    },
  );
}

/** A value shown over a name in the source view. */
export interface HoverValue {
  expression: string;
  value: string;
  type: string | null;
}

/**
 * Evaluates `expression` for a hover (DAP `evaluate`, context `hover`) in a frame. Returns null
 * when it fails (an undefined name is not worth a tooltip).
 */
export async function evaluateHover(
  dapRequest: DapRequester,
  expression: string,
  frameId: number,
): Promise<HoverValue | null> {
  try {
    const response = await dapRequest('evaluate', { expression, frameId, context: 'hover' });
    if (!response.success) return null;
    const body = (response as DebugProtocol.EvaluateResponse).body;
    return { expression, value: body.result, type: body.type ?? null };
  } catch {
    return null;
  }
}

/** One completion of console input. */
export interface Completion {
  /** What the list shows. */
  label: string;
  /** What replaces the typed part (the label when the adapter gives no `text`). */
  text: string;
  /** DAP `CompletionItemType` (`function`, `field`, …). */
  type?: string;
}

/** Completions of one line and where they go. */
export interface CompletionResult {
  /** Code units before the cursor that a completion replaces. */
  replaceLength: number;
  items: Completion[];
}

/**
 * Asks for completions of `line` at `cursor` (0-based code units) with DAP `completions` in a
 * frame. The part a completion replaces is the adapter's `length` (debugpy gives the typed prefix's
 * length), else the identifier before the cursor. Never throws: a failure is no completions.
 */
export async function requestCompletions(
  dapRequest: DapRequester,
  line: string,
  cursor: number,
  frameId: number | null,
): Promise<CompletionResult> {
  const args: DebugProtocol.CompletionsArguments = { text: line, column: cursor + 1 };
  if (frameId !== null) args.frameId = frameId;
  const typed = /[\p{L}\p{N}_]*$/u.exec(line.slice(0, cursor))?.[0].length ?? 0;
  try {
    const response = await dapRequest('completions', args);
    if (!response.success) return { replaceLength: typed, items: [] };
    const targets = (response as DebugProtocol.CompletionsResponse).body.targets;
    const first = targets[0];
    const replaceLength =
      first?.length !== undefined && first.length <= cursor ? first.length : typed;
    const seen = new Set<string>();
    const items: Completion[] = [];
    for (const t of targets) {
      const text = t.text ?? t.label;
      if (seen.has(text)) continue;
      seen.add(text);
      items.push({ label: t.label, text, ...(t.type ? { type: t.type } : {}) });
    }
    return { replaceLength, items };
  } catch {
    return { replaceLength: typed, items: [] };
  }
}

/** The outcome of setting a value. */
export type SetValueResult =
  | { ok: true; value: string; type?: string; variablesReference: number }
  | { ok: false; message: string };

/**
 * Sets a variable to the value of the Python expression `value`. Items of a paged container
 * (their parent is a page, not a real `variablesReference`) are set through their `evaluateName`
 * with DAP `setExpression`; others with `setVariable` on their container (DAP
 * `supportsSetVariable`). Never throws.
 */
export async function setValue(
  dapRequest: DapRequester,
  target: {
    containerRef: number | null;
    variable: Pick<DebugProtocol.Variable, 'name' | 'evaluateName'>;
    frameId: number | null;
  },
  value: string,
  capabilities: DebugProtocol.Capabilities,
): Promise<SetValueResult> {
  const { containerRef, variable, frameId } = target;
  try {
    // debugpy answers a `setVariable` whose value fails to evaluate with success and the old
    // value (the traceback goes to its log), so the value is evaluated first for a real error.
    if (frameId !== null) {
      const check = await dapRequest('evaluate', { expression: value, frameId, context: 'watch' });
      if (!check.success) return { ok: false, message: lastLine(dapErrorText(check)) };
    }
    let response: DebugProtocol.Response;
    if (containerRef !== null && capabilities.supportsSetVariable) {
      response = await dapRequest('setVariable', {
        variablesReference: containerRef,
        name: variable.name,
        value,
      });
    } else if (variable.evaluateName && capabilities.supportsSetExpression && frameId !== null) {
      response = await dapRequest('setExpression', {
        expression: variable.evaluateName,
        value,
        frameId,
      });
    } else {
      return { ok: false, message: 'The debugger cannot set this value.' };
    }
    if (!response.success) return { ok: false, message: lastLine(dapErrorText(response)) };
    const body = (response as DebugProtocol.SetVariableResponse).body;
    return {
      ok: true,
      value: body.value,
      ...(body.type ? { type: body.type } : {}),
      variablesReference: body.variablesReference ?? 0,
    };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
}
