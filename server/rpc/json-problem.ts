import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";

/**
 * Where a JSON request strays from its message, in the caller's words: the path of a field the
 * message does not have, or of an enum value by a name the enum lacks. protobuf-es refuses both
 * but names only the message type ("cannot decode enum cyxwiz.v1.JobPriority from JSON"); this
 * names the field. Undefined when it finds neither (the parser's own message then stands).
 */
export function jsonProblem(desc: DescMessage, json: unknown, path = ""): string | undefined {
  // Well-known types have JSON forms of their own (a Timestamp is a string): the parser knows them.
  if (!isObject(json) || desc.typeName.startsWith("google.protobuf.")) return undefined;
  for (const [key, value] of Object.entries(json)) {
    const field = desc.fields.find((f) => f.jsonName === key || f.name === key);
    if (!field) return `"${path}${key}" is not a field of ${desc.name}`;
    const problem = fieldProblem(field, value, `${path}${key}`);
    if (problem) return problem;
  }
  return undefined;
}

function fieldProblem(field: DescField, value: unknown, path: string): string | undefined {
  switch (field.fieldKind) {
    case "message":
      return jsonProblem(field.message, value, `${path}.`);
    case "enum":
      return enumProblem(field.enum, value, path);
    case "list":
      if (!Array.isArray(value)) return undefined;
      for (const [i, item] of value.entries()) {
        const problem = field.listKind === "message" ? jsonProblem(field.message, item, `${path}[${i}].`) : field.listKind === "enum" ? enumProblem(field.enum, item, `${path}[${i}]`) : undefined;
        if (problem) return problem;
      }
      return undefined;
    case "map":
      if (!isObject(value)) return undefined;
      for (const [k, item] of Object.entries(value)) {
        const problem = field.mapKind === "message" ? jsonProblem(field.message, item, `${path}.${k}.`) : field.mapKind === "enum" ? enumProblem(field.enum, item, `${path}.${k}`) : undefined;
        if (problem) return problem;
      }
      return undefined;
    case "scalar":
      return undefined;
  }
}

function enumProblem(desc: DescEnum, value: unknown, path: string): string | undefined {
  if (typeof value !== "string" || desc.values.some((v) => v.name === value)) return undefined;
  return `"${path}": ${JSON.stringify(value)} is not a ${desc.name}; use one of ${desc.values.map((v) => v.name).join(", ")}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
