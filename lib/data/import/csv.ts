import { toNumber } from "./numeric";

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Parses RFC 4180 CSV (quoted fields, "" for a quote, CRLF or LF line ends). The first row is
 * taken as the header when one of its fields is text where the second row has a number;
 * otherwise the columns are named col1…colN. Blank lines are skipped (editors leave them at the
 * end); rows whose field count differs from the first row's are refused, naming the line.
 */
export function parseCsv(text: string): CsvTable {
  const records = readRecords(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const first = records[0];
  if (!first) throw new Error("the CSV has no rows");
  for (const record of records) {
    if (record.fields.length !== first.fields.length) {
      const n = record.fields.length;
      throw new Error(`line ${record.line} has ${n} field${n === 1 ? "" : "s"}, expected ${first.fields.length} like line ${first.line}`);
    }
  }
  const rows = records.map((r) => r.fields);
  if (isHeader(first.fields, rows[1])) return { header: first.fields.map((name) => name.trim()), rows: rows.slice(1) };
  return { header: first.fields.map((_, i) => `col${i + 1}`), rows };
}

function isHeader(first: string[], second: string[] | undefined): boolean {
  return second !== undefined && first.some((field, i) => toNumber(field) === undefined && toNumber(second[i] as string) !== undefined);
}

interface CsvRecord {
  /** The 1-based line the record starts on (a quoted field may span lines). */
  line: number;
  fields: string[];
}

const isBreak = (c: string | undefined) => c === "\n" || c === "\r";

function readRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const at = { i: 0, line: 1 };
  while (at.i < text.length) {
    const line = at.line;
    const from = at.i;
    const fields = [readField(text, at)];
    while (text[at.i] === ",") {
      at.i++;
      fields.push(readField(text, at));
    }
    const blank = at.i === from;
    if (text[at.i] === "\r" && text[at.i + 1] === "\n") at.i++;
    if (at.i < text.length) {
      at.i++;
      at.line++;
    }
    if (!blank) records.push({ line, fields });
  }
  return records;
}

/** Reads one field and leaves the cursor on the comma, line break or end after it. */
function readField(text: string, at: { i: number; line: number }): string {
  if (text[at.i] !== '"') {
    const from = at.i;
    while (at.i < text.length && text[at.i] !== "," && !isBreak(text[at.i])) {
      if (text[at.i] === '"') throw new Error(`line ${at.line} has a quote inside an unquoted field`);
      at.i++;
    }
    return text.slice(from, at.i);
  }
  const opened = at.line;
  let field = "";
  at.i++;
  for (;;) {
    if (at.i >= text.length) throw new Error(`line ${opened} opens a quoted field that is never closed`);
    const c = text[at.i] as string;
    if (c === '"' && text[at.i + 1] === '"') {
      field += '"';
      at.i += 2;
    } else if (c === '"') {
      at.i++;
      break;
    } else {
      if (c === "\n") at.line++;
      field += c;
      at.i++;
    }
  }
  if (at.i < text.length && text[at.i] !== "," && !isBreak(text[at.i])) throw new Error(`line ${at.line} has text after a closing quote`);
  return field;
}
