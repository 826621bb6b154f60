/**
 * How the console and the Script Editor run user code: an expression gives its value; statements
 * run with top-level await allowed and give their completion value. Runs inside the sandboxed
 * script worker (never on the page), where the caller enforces a timeout by ending the worker.
 */

const AsyncFunction = (Object.getPrototypeOf(async () => {}) as { constructor: new (...args: string[]) => () => Promise<unknown> }).constructor;

/** Evaluates code in the global scope (so `var` and functions persist between console entries). */
export async function evaluate(code: string): Promise<unknown> {
  const source = code.trim();
  if (source === "") return undefined;
  let expression: (() => Promise<unknown>) | undefined;
  try {
    expression = new AsyncFunction(`return (${source}\n);`);
  } catch {
    // Not a single expression: a script of statements.
  }
  if (expression) return expression();
  if (/\bawait\b/.test(source)) return new AsyncFunction(source)();
  // Indirect eval runs in the global scope and returns the completion value of the last statement.
  return (0, eval)(source);
}

const MAX_ITEMS = 20;

/** A readable one-or-few-line rendering of a value for the console (tensors by shape, long arrays cut). */
export function formatValue(value: unknown, depth = 0): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return depth === 0 ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "function") return `ƒ ${value.name || "anonymous"}()`;
  if (typeof value === "symbol") return value.toString();
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const tensor = value as { shape?: unknown; dtype?: unknown; dataSync?: () => ArrayLike<number> };
  if (Array.isArray(tensor.shape) && typeof tensor.dtype === "string" && typeof tensor.dataSync === "function") {
    const data = Array.from(tensor.dataSync()).slice(0, MAX_ITEMS);
    const size = (tensor.shape as number[]).reduce((a, b) => a * b, 1);
    return `Tensor [${(tensor.shape as number[]).join(", ")}] ${tensor.dtype} ${formatList(data, size)}`;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = Array.from(value as unknown as ArrayLike<number>);
    return `${value.constructor.name}(${array.length}) ${formatList(array.slice(0, MAX_ITEMS), array.length)}`;
  }
  if (depth > 2) return Array.isArray(value) ? "[…]" : "{…}";
  if (Array.isArray(value))
    return formatList(
      value.slice(0, MAX_ITEMS).map((v) => formatValue(v, depth + 1)),
      value.length,
    );
  if (value instanceof Map)
    return `Map(${value.size}) {${[...value]
      .slice(0, MAX_ITEMS)
      .map(([k, v]) => `${formatValue(k, depth + 1)} => ${formatValue(v, depth + 1)}`)
      .join(", ")}}`;
  if (value instanceof Set)
    return `Set(${value.size}) ${formatList(
      [...value].slice(0, MAX_ITEMS).map((v) => formatValue(v, depth + 1)),
      value.size,
    )}`;
  const entries = Object.entries(value as Record<string, unknown>);
  const shown = entries.slice(0, MAX_ITEMS).map(([k, v]) => `${k}: ${formatValue(v, depth + 1)}`);
  return `{${shown.join(", ")}${entries.length > MAX_ITEMS ? `, … ${entries.length - MAX_ITEMS} more` : ""}}`;
}

function formatList(items: unknown[], total: number): string {
  return `[${items.join(", ")}${total > items.length ? `, … ${total - items.length} more` : ""}]`;
}
