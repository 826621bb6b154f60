/** Python source for a JSON-like value: tuples for arrays, True/False/None, double-quoted strings. */
export function py(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return pyNumber(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 1 ? `(${py(value[0])},)` : `(${value.map(py).join(", ")})`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`)
    .join(", ")}}`;
}

function pyNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (n === Number.POSITIVE_INFINITY) return 'float("inf")';
  if (n === Number.NEGATIVE_INFINITY) return 'float("-inf")';
  return String(n);
}

/** Python keyword arguments, skipping undefined values. */
export function pyKwargs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${py(v)}`)
    .join(", ");
}

/** A Python call with positional then keyword arguments. */
export function pyCall(callee: string, positional: unknown[] = [], keywords: Record<string, unknown> = {}): string {
  const parts = [...positional.map(py), pyKwargs(keywords)].filter(Boolean);
  return `${callee}(${parts.join(", ")})`;
}

/** JavaScript source for a JSON-like value, with bare keys where they are identifiers. */
export function js(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(js).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${js(v)}`).join(", ")} }`;
}

/** A tfjs layer factory call: tf.layers.<factory>({...}). */
export function tfjsLayer(factory: string, config: Record<string, unknown>): string {
  return `tf.layers.${factory}(${js(config)})`;
}

/** A Keras layer constructor: layers.<Class>(positional, keywords). */
export function kerasLayer(cls: string, positional: unknown[] = [], keywords: Record<string, unknown> = {}): string {
  return pyCall(`layers.${cls}`, positional, keywords);
}

/** Adds a keyword argument to a Python call expression: layers.Dense(3) → layers.Dense(3, key=value). */
export function withPythonKeyword(call: string, keyword: string): string {
  if (!call.endsWith(")")) throw new Error(`not a call: ${call}`);
  return call.endsWith("()") ? `${call.slice(0, -1)}${keyword})` : `${call.slice(0, -1)}, ${keyword})`;
}

/** Adds an entry to the config object of a tfjs layer call: tf.layers.dense({ units: 3 }) → …({ units: 3, key: value }). */
export function withJsConfig(call: string, entry: string): string {
  if (call.endsWith("({})")) return `${call.slice(0, -4)}({ ${entry} })`;
  if (!call.endsWith(" })")) throw new Error(`not a layer call with a config object: ${call}`);
  return `${call.slice(0, -3)}, ${entry} })`;
}
