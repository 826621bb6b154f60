import { z } from "zod";
import type { NodeDefinition } from "../graph/registry";

export interface FieldSpec {
  name: string;
  kind: "enum" | "boolean" | "number" | "text";
  description: string;
  options?: string[];
  integer?: boolean;
  min?: number;
  max?: number;
  /** May be left empty (null), e.g. pooling strides that default to the window. */
  nullable?: boolean;
  /** Always a list of numbers (a shape), even with one entry. */
  list?: boolean;
  /** Where the editor finds values to suggest (a schema's .meta({ suggest })), e.g. "datasets". */
  suggest?: string;
}

type JsonSchema = {
  type?: string;
  enum?: string[];
  anyOf?: JsonSchema[];
  description?: string;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  suggest?: string;
};

/** The form a node's parameters need, read from its zod schema (via JSON Schema). */
export function describeParams(node: Pick<NodeDefinition, "params">): FieldSpec[] {
  const schema = z.toJSONSchema(node.params, { io: "input" }) as JsonSchema;
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const nullable = prop.anyOf?.some((p) => p.type === "null") ?? false;
    const inner = nullable ? (prop.anyOf?.find((p) => p.type !== "null") ?? prop) : prop;
    const description = prop.description ?? inner.description ?? "";
    if (inner.enum) return { name, kind: "enum", description, options: inner.enum };
    if (inner.type === "boolean") return { name, kind: "boolean", description };
    if ((inner.type === "integer" || inner.type === "number") && !nullable) {
      return { name, kind: "number", description, integer: inner.type === "integer", min: inner.minimum, max: inner.maximum };
    }
    return { name, kind: "text", description, nullable, list: inner.type === "array", suggest: prop.suggest ?? inner.suggest };
  });
}

/** A text field's content as a parameter value: "3" → 3, "3, 3" or "[3, 3]" → [3, 3], "" → null; anything else stays text (and fails validation). */
export function parseFieldText(spec: FieldSpec, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return spec.nullable ? null : spec.list ? [] : text;
  const parts = trimmed
    .replace(/^\[|\]$/g, "")
    .split(/[\s,]+/)
    .filter(Boolean);
  const numbers = parts.map(Number);
  if (numbers.some((n) => Number.isNaN(n))) return text;
  return spec.list || parts.length > 1 || trimmed.startsWith("[") ? numbers : numbers[0];
}

/** A parameter's value as its form field shows it (parameters are numbers, strings, booleans or lists of numbers). */
export function formatFieldValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(", ");
  return typeof value === "object" ? JSON.stringify(value) : String(value as string | number | boolean);
}

/** Validates a whole parameter object with the node's schema; the first problem per field. */
export function validateParams(node: Pick<NodeDefinition, "params">, params: Record<string, unknown>): { ok: true; params: Record<string, unknown> } | { ok: false; errors: Record<string, string> } {
  const result = node.params.safeParse(params);
  if (result.success) return { ok: true, params: result.data as Record<string, unknown> };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
