import { describe, expect, it } from "vitest";
import { logSafe, runsToCsv, smooth } from "./series";

describe("smooth", () => {
  it("keeps the first value instead of pulling it toward 0", () => {
    expect(smooth([10, 10, 10], 0.9)[0]).toBe(10);
  });

  it("is the debiased exponential moving average", () => {
    // average: 0.5, then 0.5·0.5 + 0.5·3 = 1.75; debiased by 1 − 0.5 and 1 − 0.25.
    expect(smooth([1, 3], 0.5)).toEqual([1, 1.75 / 0.75]);
  });

  it("keeps a constant series at its value", () => {
    for (const value of smooth(Array(50).fill(0.3), 0.99)) expect(value).toBeCloseTo(0.3, 12);
  });

  it("returns an equal copy for weight 0", () => {
    const values = [3, 1, 2];
    const smoothed = smooth(values, 0);
    expect(smoothed).toEqual(values);
    expect(smoothed).not.toBe(values);
  });

  it("passes NaN and Infinity through and leaves them out of later values", () => {
    const [a, b, c] = smooth([1, 3, 5], 0.6);
    expect(smooth([1, NaN, 3, Infinity, -Infinity, 5], 0.6)).toEqual([a, NaN, b, Infinity, -Infinity, c]);
  });

  it("does not change its input", () => {
    const values = [1, 2, 3];
    smooth(values, 0.5);
    expect(values).toEqual([1, 2, 3]);
  });

  it("rejects a weight outside [0, 1)", () => {
    expect(() => smooth([1], 1)).toThrow("smoothing weight must be in [0, 1), got 1");
    expect(() => smooth([1], -0.1)).toThrow("got -0.1");
    expect(() => smooth([1], NaN)).toThrow("got NaN");
  });
});

describe("logSafe", () => {
  it("keeps positive finite values and turns the rest into null", () => {
    expect(logSafe([2, 0, -1, 1e-9, NaN, Infinity, -Infinity])).toEqual([2, null, null, 1e-9, null, null, null]);
  });
});

describe("runsToCsv", () => {
  it("heads the table with run and then every point key in the order first seen", () => {
    const csv = runsToCsv([
      { name: "a", points: [{ epoch: 1, loss: 0.5 }] },
      { name: "b", points: [{ epoch: 1, accuracy: 0.9, loss: 0.4 }] },
    ]);
    expect(csv.split("\n")[0]).toBe("run,epoch,loss,accuracy");
  });

  it("writes one row per point of each run, leaving missing values empty", () => {
    const csv = runsToCsv([
      { name: "a", points: [{ epoch: 1, loss: 0.5 }, { epoch: 2 }] },
      { name: "b", points: [{ epoch: 1, accuracy: 0.9, loss: undefined }] },
    ]);
    expect(csv).toBe("run,epoch,loss,accuracy\na,1,0.5,\na,2,,\nb,1,,0.9\n");
  });

  it("quotes fields containing a comma, a quote or a newline, doubling the quotes", () => {
    const csv = runsToCsv([{ name: 'lr=0.1, "wide"\nv2', points: [{ "top-1, %": 71 }] }]);
    expect(csv).toBe('run,"top-1, %"\n"lr=0.1, ""wide""\nv2",71\n');
  });

  it("ends every line with \\n, the last one included", () => {
    expect(runsToCsv([{ name: "a", points: [{ x: 1 }] }])).toBe("run,x\na,1\n");
  });

  it("writes only the header when there are no runs", () => {
    expect(runsToCsv([])).toBe("run\n");
  });
});
