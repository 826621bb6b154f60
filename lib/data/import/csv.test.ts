import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";

describe("parseCsv", () => {
  it("takes the first row as the header when it has text above numbers", () => {
    expect(parseCsv("x,y,label\n1,2,cat\n3,4,dog\n")).toEqual({ header: ["x", "y", "label"], rows: [["1", "2", "cat"], ["3", "4", "dog"]] });
  });

  it("names the columns col1…colN when the first row is data", () => {
    expect(parseCsv("1,2\n3,4")).toEqual({ header: ["col1", "col2"], rows: [["1", "2"], ["3", "4"]] });
  });

  it("treats an all-text first row as data when the second row is text in the same columns", () => {
    expect(parseCsv("red,cat\nblue,dog").header).toEqual(["col1", "col2"]);
  });

  it("treats a single row as data, having no second row to compare with", () => {
    expect(parseCsv("a,b\n")).toEqual({ header: ["col1", "col2"], rows: [["a", "b"]] });
  });

  it("reads quoted fields with commas, escaped quotes and line breaks", () => {
    const { rows } = parseCsv('name,value\n"Smith, J.",1\n"say ""hi""",2\n"two\nlines",3\n');
    expect(rows.map((r) => r[0])).toEqual(["Smith, J.", 'say "hi"', "two\nlines"]);
  });

  it("accepts CRLF line ends", () => {
    expect(parseCsv("a,b\r\n1,2\r\n3,4\r\n").rows).toEqual([["1", "2"], ["3", "4"]]);
  });

  it("keeps an empty last field and an empty quoted field", () => {
    expect(parseCsv('a,b,c\n1,"",\n').rows).toEqual([["1", "", ""]]);
  });

  it("skips blank lines, such as those an editor leaves at the end", () => {
    expect(parseCsv("a,b\n1,2\n\n3,4\n\n\n").rows).toEqual([["1", "2"], ["3", "4"]]);
  });

  it("drops a UTF-8 byte-order mark so the first column's name is clean", () => {
    expect(parseCsv("\uFEFFa,b\n1,2").header).toEqual(["a", "b"]);
  });

  it("refuses a ragged row, naming its line", () => {
    expect(() => parseCsv("a,b\n1,2\n3\n")).toThrow("line 3 has 1 field, expected 2 like line 1");
  });

  it("counts lines inside quoted fields when naming a ragged row", () => {
    expect(() => parseCsv('a,b\n"x\ny",2\n3,4,5\n')).toThrow(/^line 4 has 3 fields/);
  });

  it("refuses a quoted field that is never closed", () => {
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow("line 2 opens a quoted field that is never closed");
  });

  it("refuses text after a closing quote", () => {
    expect(() => parseCsv('a,b\n"x"y,1\n')).toThrow("line 2 has text after a closing quote");
  });

  it("refuses a quote inside an unquoted field", () => {
    expect(() => parseCsv('a,b\nx"y,1\n')).toThrow("line 2 has a quote inside an unquoted field");
  });

  it("refuses text with no rows", () => {
    expect(() => parseCsv("\n\n")).toThrow("the CSV has no rows");
  });
});
