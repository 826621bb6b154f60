import { describe, expect, it } from "vitest";
import { decodeDataset, encodeDataset } from "../dataset-format";
import { imagesToDataset, labelFromPath } from "./images";

const image = (label: string, value: number, size = 4) => ({ label, pixels: new Uint8Array(size).fill(value) });
const options = { name: "shapes", height: 2, width: 2, channels: 1 } as const;

describe("labelFromPath", () => {
  it("takes the folder of class/file.png", () => {
    expect(labelFromPath("cat/001.png")).toBe("cat");
  });

  it("takes the innermost folder of root/class/file.png", () => {
    expect(labelFromPath("pets/train/dog/002.jpg")).toBe("dog");
  });

  it("reads backslash-separated paths", () => {
    expect(labelFromPath("pets\\bird\\003.png")).toBe("bird");
  });

  it("refuses a file that is not in a folder", () => {
    expect(() => labelFromPath("004.png")).toThrow('"004.png" is not inside a folder; put each image in a folder named after its class');
  });
});

describe("imagesToDataset", () => {
  it("stores pixels as uint8 of shape [height, width, channels] scaled by 1/255", () => {
    const dataset = imagesToDataset([image("a", 1), image("b", 2)], options);
    expect(dataset.spec.features).toEqual({ shape: [2, 2, 1], dtype: "uint8", scale: 1 / 255 });
    expect([...dataset.features]).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it("numbers the classes in alphabetical order of their labels", () => {
    const dataset = imagesToDataset([image("zebra", 0), image("ant", 0), image("zebra", 0)], options);
    expect(dataset.spec).toMatchObject({ task: "classification", count: 3, targets: { shape: [], dtype: "int32", classes: 2, classNames: ["ant", "zebra"] } });
    expect([...dataset.targets]).toEqual([1, 0, 1]);
  });

  it("round-trips through the CXDS encoding", () => {
    const dataset = imagesToDataset([image("r", 9, 12), image("g", 7, 12)], { ...options, channels: 3 });
    const decoded = decodeDataset(encodeDataset(dataset));
    expect(decoded.spec).toEqual(dataset.spec);
    expect([...decoded.features]).toEqual([...dataset.features]);
    expect([...decoded.targets]).toEqual([1, 0]);
  });

  it("refuses an image whose pixel count does not match, naming its index", () => {
    expect(() => imagesToDataset([image("a", 0), image("a", 0, 3)], options)).toThrow("image 1 has 3 bytes, expected 4 (2×2×1)");
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => imagesToDataset([image("a", 0)], { ...options, width: 0 })).toThrow("width must be a positive integer, not 0");
  });

  it("refuses an empty list", () => {
    expect(() => imagesToDataset([], options)).toThrow("there are no images");
  });
});
