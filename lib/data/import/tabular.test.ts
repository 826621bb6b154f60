import { describe, expect, it } from "vitest";
import { decodeDataset, encodeDataset } from "../dataset-format";
import { parseCsv } from "./csv";
import { jsonToTable, tableToDataset } from "./tabular";

const iris = { header: ["length", "width", "species"], rows: [["5.1", "3.5", "setosa"], ["7.0", "3.2", "versicolor"], ["4.9", 3.0, "setosa"]] };

describe("tableToDataset", () => {
  it("makes float32 feature vectors of every column but the target", () => {
    const dataset = tableToDataset(iris, { name: "iris", target: "species" });
    expect(dataset.spec.features).toEqual({ shape: [2], dtype: "float32", scale: 1 });
    expect([...dataset.features]).toEqual([5.1, 3.5, 7.0, 3.2, 4.9, 3.0].map(Math.fround));
  });

  it("numbers text labels as classes in the order they first appear", () => {
    const dataset = tableToDataset(iris, { name: "iris", target: "species" });
    expect(dataset.spec).toMatchObject({ task: "classification", count: 3 });
    expect(dataset.spec.targets).toEqual({ shape: [], dtype: "int32", classes: 2, classNames: ["setosa", "versicolor"] });
    expect([...dataset.targets]).toEqual([0, 1, 0]);
  });

  it("makes a numeric target a float32 regression target by default", () => {
    const dataset = tableToDataset({ header: ["x", "y"], rows: [[1, "0.5"], [2, "1.5"]] }, { name: "line", target: "y" });
    expect(dataset.spec.task).toBe("regression");
    expect(dataset.spec.targets).toEqual({ shape: [], dtype: "float32" });
    expect([...dataset.targets]).toEqual([0.5, 1.5]);
  });

  it("takes a numeric target as class labels when asked for classification", () => {
    const dataset = tableToDataset({ header: ["x", "digit"], rows: [[1, 7], [2, 3], [3, 7]] }, { name: "d", target: "digit", task: "classification" });
    expect(dataset.spec.targets.classNames).toEqual(["7", "3"]);
    expect([...dataset.targets]).toEqual([0, 1, 0]);
  });

  it("takes the target from any column, not only the last", () => {
    const dataset = tableToDataset({ header: ["y", "a", "b"], rows: [[9, 1, 2]] }, { name: "t", target: "y" });
    expect([...dataset.features]).toEqual([1, 2]);
    expect([...dataset.targets]).toEqual([9]);
  });

  it("round-trips through the CXDS encoding", () => {
    const dataset = tableToDataset(parseCsv("a,b,label\n1,2,yes\n3,4,no\n"), { name: "csv", target: "label" });
    const decoded = decodeDataset(encodeDataset(dataset));
    expect(decoded.spec).toEqual(dataset.spec);
    expect([...decoded.features]).toEqual([1, 2, 3, 4]);
    expect([...decoded.targets]).toEqual([0, 1]);
  });

  it("refuses a non-numeric feature, naming the column, the row and the value", () => {
    const table = { header: ["a", "b", "y"], rows: [["1", "2", "0"], ["3", "n/a", "1"]] };
    expect(() => tableToDataset(table, { name: "t", target: "y" })).toThrow('column "b" is a feature and must be numeric, but row 2 has "n/a"');
  });

  it("refuses a text target for regression, naming the row", () => {
    expect(() => tableToDataset(iris, { name: "t", target: "species", task: "regression" })).toThrow(
      'column "species" is a regression target and must be numeric, but row 1 has "setosa"',
    );
  });

  it("refuses a target column that does not exist, listing the columns", () => {
    expect(() => tableToDataset(iris, { name: "t", target: "kind" })).toThrow('there is no column named "kind" (columns: length, width, species)');
  });

  it("refuses a target name that more than one column has", () => {
    expect(() => tableToDataset({ header: ["y", "y"], rows: [[1, 2]] }, { name: "t", target: "y" })).toThrow('more than one column is named "y"');
  });

  it("refuses a table whose only column is the target", () => {
    expect(() => tableToDataset({ header: ["y"], rows: [[1]] }, { name: "t", target: "y" })).toThrow("at least one feature column");
  });

  it("refuses a table without rows", () => {
    expect(() => tableToDataset({ header: ["x", "y"], rows: [] }, { name: "t", target: "y" })).toThrow("the table has no rows");
  });

  it("refuses a row with the wrong number of values", () => {
    expect(() => tableToDataset({ header: ["x", "y"], rows: [[1, 2], [3]] }, { name: "t", target: "y" })).toThrow("row 2 has 1 of 2 values");
  });
});

describe("jsonToTable", () => {
  it("makes the keys of flat objects the columns", () => {
    expect(jsonToTable([{ x: 1, label: "a" }, { x: 2, label: "b" }])).toEqual({ header: ["x", "label"], rows: [[1, "a"], [2, "b"]] });
  });

  it("takes booleans as text, so they can be class labels", () => {
    expect(jsonToTable([{ x: 1, spam: true }]).rows).toEqual([[1, "true"]]);
  });

  it("names the columns of { features, targets } x1…xN and target", () => {
    expect(jsonToTable({ features: [[1, 2], [3, 4]], targets: ["a", 5] })).toEqual({ header: ["x1", "x2", "target"], rows: [[1, 2, "a"], [3, 4, 5]] });
  });

  it("feeds tableToDataset directly", () => {
    const dataset = tableToDataset(jsonToTable({ features: [[1], [2]], targets: [0.5, 1] }), { name: "j", target: "target" });
    expect(dataset.spec.task).toBe("regression");
  });

  it("refuses a nested value, naming the item and the key", () => {
    expect(() => jsonToTable([{ x: 1, pos: { lat: 1 } }])).toThrow(`item 1's "pos" is nested (an object)`);
  });

  it("refuses an array value as nested", () => {
    expect(() => jsonToTable([{ x: [1, 2] }])).toThrow(`item 1's "x" is nested (an array)`);
  });

  it("refuses a null value, naming the key", () => {
    expect(() => jsonToTable([{ x: 1 }, { x: null }])).toThrow(`item 2's "x" has no value`);
  });

  it("refuses an object that lacks one of the first object's keys", () => {
    expect(() => jsonToTable([{ x: 1, y: 2 }, { x: 1 }])).toThrow('item 2 has no "y"');
  });

  it("refuses an object with a key the first object lacks", () => {
    expect(() => jsonToTable([{ x: 1 }, { x: 1, z: 3 }])).toThrow('item 2 has a key "z" that item 1 does not have');
  });

  it("refuses an item that is not an object", () => {
    expect(() => jsonToTable([{ x: 1 }, 5])).toThrow("item 2 is not an object");
  });

  it("refuses an empty array", () => {
    expect(() => jsonToTable([])).toThrow("the array has no objects");
  });

  it("refuses features and targets of different lengths", () => {
    expect(() => jsonToTable({ features: [[1]], targets: [1, 2] })).toThrow("features and targets differ in length (1 and 2)");
  });

  it("refuses a features row of another length than the first", () => {
    expect(() => jsonToTable({ features: [[1, 2], [3]], targets: [1, 2] })).toThrow("features[1] is not an array of 2 numbers like features[0]");
  });

  it("refuses a feature that is not a number", () => {
    expect(() => jsonToTable({ features: [[1, "2"]], targets: [1] })).toThrow('features[0][1] is "2", not a number');
  });

  it("refuses any other shape of JSON", () => {
    expect(() => jsonToTable({ rows: [] })).toThrow("expected an array of objects, or an object with features (number[][]) and targets arrays");
  });
});
