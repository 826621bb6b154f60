import type { Dataset } from "../dataset-format";
import { toNumber } from "./numeric";

export type Cell = string | number;

export interface Table {
  header: string[];
  rows: Cell[][];
}

export interface TableOptions {
  name: string;
  /** The column the model predicts; every other column is a feature. */
  target: string;
  /** Numeric targets default to regression, text targets to classification. */
  task?: "classification" | "regression";
}

/**
 * A table as a dataset: float32 feature vectors and one target per row. Classification targets
 * become int32 class indices numbered in the order the labels first appear. Rows are numbered
 * from 1, not counting the header, in errors.
 */
export function tableToDataset(table: Table, options: TableOptions): Dataset {
  const { header, rows } = table;
  const targetAt = header.indexOf(options.target);
  if (targetAt < 0) throw new Error(`there is no column named "${options.target}" (columns: ${header.join(", ")})`);
  if (header.indexOf(options.target, targetAt + 1) >= 0) throw new Error(`more than one column is named "${options.target}"`);
  if (header.length < 2) throw new Error("the table needs at least one feature column besides the target");
  if (rows.length === 0) throw new Error("the table has no rows");
  rows.forEach((row, r) => {
    if (row.length !== header.length) throw new Error(`row ${r + 1} has ${row.length} of ${header.length} values`);
  });

  const featureColumns = header.map((_, c) => c).filter((c) => c !== targetAt);
  const features = new Float32Array(rows.length * featureColumns.length);
  for (const [k, c] of featureColumns.entries()) {
    for (let r = 0; r < rows.length; r++) features[r * featureColumns.length + k] = numberAt(table, r, c, "a feature");
  }

  const numericTarget = rows.every((row) => toNumber(row[targetAt] as Cell) !== undefined);
  const task = options.task ?? (numericTarget ? "regression" : "classification");
  const base = { name: options.name, task, count: rows.length, features: { shape: [featureColumns.length], dtype: "float32" as const, scale: 1 } };
  if (task === "regression") {
    const targets = Float32Array.from(rows, (_, r) => numberAt(table, r, targetAt, "a regression target"));
    return { spec: { ...base, targets: { shape: [], dtype: "float32" } }, features, targets };
  }
  const classNames: string[] = [];
  const indexOf = new Map<string, number>();
  const targets = Int32Array.from(rows, (row) => {
    const label = String(row[targetAt]).trim();
    if (!indexOf.has(label)) indexOf.set(label, classNames.push(label) - 1);
    return indexOf.get(label) as number;
  });
  return { spec: { ...base, targets: { shape: [], dtype: "int32", classes: classNames.length, classNames } }, features, targets };
}

function numberAt(table: Table, r: number, c: number, role: string): number {
  const cell = table.rows[r]?.[c] as Cell;
  const value = toNumber(cell);
  if (value === undefined) throw new Error(`column "${table.header[c]}" is ${role} and must be numeric, but row ${r + 1} has ${JSON.stringify(cell)}`);
  return value;
}

/**
 * A table from parsed JSON: an array of flat objects (their keys are the columns; every object
 * must have the same keys), or { features: number[][], targets: (number|string)[] }, whose
 * columns are x1…xN and "target".
 */
export function jsonToTable(value: unknown): Table {
  if (Array.isArray(value)) return objectsToTable(value);
  if (isRecord(value) && Array.isArray(value.features) && Array.isArray(value.targets)) return arraysToTable(value.features, value.targets);
  throw new Error("expected an array of objects, or an object with features (number[][]) and targets arrays");
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function objectsToTable(objects: unknown[]): Table {
  const first = objects[0];
  if (first === undefined) throw new Error("the array has no objects");
  if (!isRecord(first)) throw new Error("item 1 is not an object");
  const header = Object.keys(first);
  const rows = objects.map((object, r) => {
    if (!isRecord(object)) throw new Error(`item ${r + 1} is not an object`);
    const extra = Object.keys(object).find((key) => !header.includes(key));
    if (extra !== undefined) throw new Error(`item ${r + 1} has a key "${extra}" that item 1 does not have`);
    return header.map((key) => {
      if (!(key in object)) throw new Error(`item ${r + 1} has no "${key}"`);
      return flatCell(object[key], `item ${r + 1}'s "${key}"`);
    });
  });
  return { header, rows };
}

function arraysToTable(features: unknown[], targets: unknown[]): Table {
  if (features.length !== targets.length) throw new Error(`features and targets differ in length (${features.length} and ${targets.length})`);
  const width = Array.isArray(features[0]) ? features[0].length : 0;
  const rows = features.map((row, r) => {
    if (!Array.isArray(row) || row.length !== width) throw new Error(`features[${r}] is not an array of ${width} numbers like features[0]`);
    const cells = row.map((v, c) => {
      if (typeof v !== "number") throw new Error(`features[${r}][${c}] is ${JSON.stringify(v)}, not a number`);
      return v;
    });
    return [...cells, flatCell(targets[r], `targets[${r}]`)];
  });
  return { header: [...Array.from({ length: width }, (_, c) => `x${c + 1}`), "target"], rows };
}

function flatCell(value: unknown, where: string): Cell {
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  if (value === null || value === undefined) throw new Error(`${where} has no value`);
  throw new Error(`${where} is nested (${Array.isArray(value) ? "an array" : "an object"}); only numbers, text and booleans can be columns`);
}
