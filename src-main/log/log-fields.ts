/**
 * Bounds on what one log line may carry. Fields often hold what a peer sent (a command name, a
 * problem with its frame, an error message quoting it), so each field is cut to
 * {@link MAX_LOG_FIELD_CHARS} and a line keeps at most {@link MAX_LOG_FIELDS} fields; the message
 * itself is cut to {@link MAX_LOG_MESSAGE_CHARS}. A cut value ends with how much was left out.
 */

/** Most characters of one field's value (a string, or the JSON of anything else). */
export const MAX_LOG_FIELD_CHARS = 500;
/** Most fields on one line. */
export const MAX_LOG_FIELDS = 24;
/** Most characters of a line's message. */
export const MAX_LOG_MESSAGE_CHARS = 2000;

/** `text` cut to `max` characters, saying how many were left out. */
export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

/**
 * The fields with each value bounded: strings cut, other values kept when their JSON is short and
 * replaced by their cut JSON when it is long (or by a note when they cannot be written as JSON:
 * cycles, BigInt, nesting too deep). Returns `fields` itself when nothing needed cutting.
 */
export function boundFields(
  fields: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!fields) return fields;
  const keys = Object.keys(fields);
  let out: Record<string, unknown> | undefined;
  const set = (key: string, value: unknown): void => {
    out ??= Object.fromEntries(keys.slice(0, MAX_LOG_FIELDS).map((k) => [k, fields[k]]));
    out[key] = value;
  };
  keys.slice(0, MAX_LOG_FIELDS).forEach((key) => {
    const value = fields[key];
    if (typeof value === 'string') {
      if (value.length > MAX_LOG_FIELD_CHARS) set(key, truncateText(value, MAX_LOG_FIELD_CHARS));
    } else if (typeof value === 'object' && value !== null) {
      const json = jsonOf(value);
      if (json === undefined) set(key, '[not writable as JSON]');
      else if (json.length > MAX_LOG_FIELD_CHARS) set(key, truncateText(json, MAX_LOG_FIELD_CHARS));
    } else if (typeof value === 'bigint') {
      set(key, value.toString());
    }
  });
  if (keys.length > MAX_LOG_FIELDS) set('moreFields', keys.length - MAX_LOG_FIELDS);
  return out ?? fields;
}

function jsonOf(value: object): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
