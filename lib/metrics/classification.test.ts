import { describe, expect, it } from "vitest";
import { seededRandom } from "../data/random";
import { argmaxRows, classReport, confusionMatrix, oneVsRest, precisionRecallCurve, rocCurve } from "./classification";

// sklearn's documented example: roc_auc_score = 0.75, average_precision_score = 0.8333…
const sklearnScores = [0.1, 0.4, 0.35, 0.8];
const sklearnPositives = [0, 0, 1, 1];

/** Random binary data with many tied scores (only 8 distinct values). */
function randomData(seed: number, n: number): { scores: number[]; positives: boolean[] } {
  const random = seededRandom(seed);
  const positives = Array.from({ length: n }, () => random() < 0.4);
  // Positives lean higher, so the AUC is far from both 0.5 and 1.
  const scores = positives.map((p) => Math.min(7, Math.floor(random() * 8 + (p ? 1.5 : 0))) / 8);
  return { scores, positives };
}

/** P(score_pos > score_neg) + ½ P(score_pos = score_neg), over all pairs. */
function mannWhitney(scores: number[], positives: boolean[]): number {
  let sum = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    if (!positives[i]) return;
    scores.forEach((n, j) => {
      if (positives[j]) return;
      sum += p > n ? 1 : p === n ? 0.5 : 0;
      pairs++;
    });
  });
  return sum / pairs;
}

/** Mean, over the positives, of the precision when the threshold is that positive's score. */
function bruteAveragePrecision(scores: number[], positives: boolean[]): number {
  const precisions = scores.flatMap((s, i) => {
    if (!positives[i]) return [];
    const above = scores.map((t, j) => ({ t, j })).filter(({ t }) => t >= s);
    return [above.filter(({ j }) => positives[j]).length / above.length];
  });
  return precisions.reduce((a, b) => a + b, 0) / precisions.length;
}

describe("confusionMatrix", () => {
  it("counts each sample in its true row and predicted column", () => {
    expect(confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
  });

  it("has a row and column of zeros for a class that never occurs", () => {
    expect(confusionMatrix([0, 2], [0, 2], 3)).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 1],
    ]);
  });

  it("accepts typed arrays", () => {
    expect(confusionMatrix(new Int32Array([1, 0]), new Float32Array([1, 1]), 2)).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it("rejects labels and predictions of different lengths, giving both lengths", () => {
    expect(() => confusionMatrix([0, 1, 1], [0, 1], 2)).toThrow("labels and predictions differ in length: 3 labels, 2 predictions");
  });

  it("names the sample whose label is out of range", () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow("labels[1] = 3 is not a class index in 0..2");
  });

  it("names the sample whose prediction is not an integer", () => {
    expect(() => confusionMatrix([0, 1], [0, 0.5], 2)).toThrow("predictions[1] = 0.5 is not a class index in 0..1");
  });

  it("rejects a class count that is not a positive integer", () => {
    expect(() => confusionMatrix([], [], 0)).toThrow("class count must be a positive integer, got 0");
  });
});

describe("argmaxRows", () => {
  it("picks the most probable class of each row", () => {
    expect([...argmaxRows([0.1, 0.7, 0.2, 0.5, 0.1, 0.4], 3)]).toEqual([1, 0]);
  });

  it("breaks ties toward the lower class index", () => {
    expect([...argmaxRows([0.2, 0.4, 0.4], 3)]).toEqual([1]);
  });

  it("rejects a flat array that is not a whole number of rows", () => {
    expect(() => argmaxRows([0.1, 0.9, 0.5], 2)).toThrow("3 values do not split into rows of 2 classes");
  });
});

describe("classReport", () => {
  // Class 0: 3 of 4 found, 3 of 5 predictions right. Class 1: 4 of 6 found, 4 of 5 right.
  const report = classReport([
    [3, 1],
    [2, 4],
  ]);

  it("gives each class its precision, recall, F1 and support", () => {
    expect(report.perClass[0]?.precision).toBeCloseTo(3 / 5, 12);
    expect(report.perClass[0]?.recall).toBeCloseTo(3 / 4, 12);
    expect(report.perClass[0]?.f1).toBeCloseTo(2 / 3, 12);
    expect(report.perClass[1]?.f1).toBeCloseTo(8 / 11, 12);
    expect(report.perClass.map((m) => m.support)).toEqual([4, 6]);
  });

  it("gives accuracy as the diagonal over all samples", () => {
    expect(report.accuracy).toBeCloseTo(7 / 10, 12);
    expect(report.support).toBe(10);
  });

  it("averages every class equally in the macro average, including F1 as the mean of per-class F1", () => {
    expect(report.macro.precision).toBeCloseTo(0.7, 12);
    expect(report.macro.recall).toBeCloseTo((3 / 4 + 4 / 6) / 2, 12);
    expect(report.macro.f1).toBeCloseTo((2 / 3 + 8 / 11) / 2, 12);
  });

  it("weights classes by support in the weighted average, so weighted recall equals accuracy", () => {
    expect(report.weighted.precision).toBeCloseTo((0.6 * 4 + 0.8 * 6) / 10, 12);
    expect(report.weighted.recall).toBeCloseTo(report.accuracy, 12);
    expect(report.weighted.f1).toBeCloseTo(((2 / 3) * 4 + (8 / 11) * 6) / 10, 12);
  });

  it("scores 0, not NaN, for a class that is never predicted", () => {
    const unpredicted = classReport([
      [2, 0],
      [1, 0],
    ]).perClass[1];
    expect(unpredicted).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it("reports zeros, not NaN, for an empty matrix", () => {
    const empty = classReport([
      [0, 0],
      [0, 0],
    ]);
    expect(empty.accuracy).toBe(0);
    expect(empty.macro).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(empty.weighted).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it("rejects a matrix that is not square, naming the row", () => {
    expect(() => classReport([[1, 0], [0]])).toThrow("confusion matrix must be square: row 1 has 1 columns, expected 2");
  });
});

describe("rocCurve", () => {
  it("goes from (0, 0) through one point per distinct score to (1, 1)", () => {
    expect(rocCurve(sklearnScores, sklearnPositives).points).toEqual([
      { fpr: 0, tpr: 0, threshold: Infinity },
      { fpr: 0, tpr: 0.5, threshold: 0.8 },
      { fpr: 0.5, tpr: 0.5, threshold: 0.4 },
      { fpr: 0.5, tpr: 1, threshold: 0.35 },
      { fpr: 1, tpr: 1, threshold: 0.1 },
    ]);
  });

  it("gives sklearn's AUC of 0.75 for its four-sample example", () => {
    expect(rocCurve(sklearnScores, sklearnPositives).auc).toBe(0.75);
  });

  it("moves diagonally through tied scores, counting a tied pair as half", () => {
    const { points, auc } = rocCurve([0.5, 0.5, 0.2], [true, false, false]);
    expect(points.map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0.5, 1],
      [1, 1],
    ]);
    expect(auc).toBe(0.75);
  });

  it("gives AUC 1 for a perfect ranking and 0 for a reversed one", () => {
    expect(rocCurve([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]).auc).toBe(1);
    expect(rocCurve([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]).auc).toBe(0);
  });

  it("equals the Mann–Whitney probability on random data with ties", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { scores, positives } = randomData(seed, 200);
      expect(rocCurve(scores, positives).auc).toBeCloseTo(mannWhitney(scores, positives), 12);
    }
  });

  it("returns no points and NaN AUC when there are no negatives", () => {
    expect(rocCurve([0.2, 0.7], [1, 1])).toEqual({ points: [], auc: NaN });
  });

  it("returns no points and NaN AUC when there are no positives", () => {
    expect(rocCurve([0.2, 0.7], [false, false])).toEqual({ points: [], auc: NaN });
  });

  it("names the sample whose positive flag is not true, false, 0 or 1", () => {
    expect(() => rocCurve([0.2, 0.7], [1, -1])).toThrow("positives[1] = -1 is not true, false, 0 or 1");
  });

  it("names the sample whose score is not finite", () => {
    expect(() => rocCurve([0.2, NaN], [1, 0])).toThrow("scores[1] = NaN is not a finite number");
  });

  it("rejects scores and positives of different lengths, giving both lengths", () => {
    expect(() => rocCurve([0.2, 0.7], [1])).toThrow("scores and positives differ in length: 2 scores, 1 positives");
  });
});

describe("precisionRecallCurve", () => {
  it("starts at recall 0, precision 1, then has one point per distinct score", () => {
    expect(precisionRecallCurve(sklearnScores, sklearnPositives).points).toEqual([
      { recall: 0, precision: 1, threshold: Infinity },
      { recall: 0.5, precision: 1, threshold: 0.8 },
      { recall: 0.5, precision: 0.5, threshold: 0.4 },
      { recall: 1, precision: 2 / 3, threshold: 0.35 },
      { recall: 1, precision: 0.5, threshold: 0.1 },
    ]);
  });

  it("gives sklearn's average precision of 0.8333 for its four-sample example", () => {
    // 0.5 · 1 (at 0.8) + 0.5 · 2/3 (at 0.35); the steps with no gain in recall add nothing.
    expect(precisionRecallCurve(sklearnScores, sklearnPositives).averagePrecision).toBeCloseTo(5 / 6, 12);
  });

  it("takes tied scores as one threshold", () => {
    // At 0.5: recall ½, precision ½. At 0.2: recall 1, precision ⅔.
    const { points, averagePrecision } = precisionRecallCurve([0.5, 0.5, 0.2], [1, 0, 1]);
    expect(points.map((p) => p.threshold)).toEqual([Infinity, 0.5, 0.2]);
    expect(averagePrecision).toBeCloseTo(0.5 * 0.5 + 0.5 * (2 / 3), 12);
  });

  it("equals the mean precision at each positive's score on random data with ties", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { scores, positives } = randomData(seed, 200);
      expect(precisionRecallCurve(scores, positives).averagePrecision).toBeCloseTo(bruteAveragePrecision(scores, positives), 12);
    }
  });

  it("gives average precision 1 when every sample is positive", () => {
    expect(precisionRecallCurve([0.3, 0.1, 0.3], [1, 1, 1]).averagePrecision).toBe(1);
  });

  it("returns no points and NaN average precision when there are no positives", () => {
    expect(precisionRecallCurve([0.3, 0.1], [0, 0])).toEqual({ points: [], averagePrecision: NaN });
  });
});

describe("oneVsRest", () => {
  // Three samples, three classes; the labels are 2, 0, 2.
  const probabilities = [0.1, 0.2, 0.7, 0.8, 0.1, 0.1, 0.3, 0.3, 0.4];

  it("scores each sample by the class's probability and marks the samples of that class positive", () => {
    const { scores, positives } = oneVsRest(probabilities, [2, 0, 2], 3, 2);
    expect([...scores]).toEqual([0.7, 0.1, 0.4].map(Math.fround));
    expect([...positives]).toEqual([1, 0, 1]);
  });

  it("feeds the curves directly", () => {
    const { scores, positives } = oneVsRest(probabilities, [2, 0, 2], 3, 0);
    expect(rocCurve(scores, positives).auc).toBe(1);
  });

  it("rejects a class out of range", () => {
    expect(() => oneVsRest(probabilities, [2, 0, 2], 3, 3)).toThrow("class 3 is not a class index in 0..2");
  });

  it("rejects probabilities that are not labels × classes long", () => {
    expect(() => oneVsRest(probabilities, [2, 0], 3, 0)).toThrow("expected 2 labels × 3 classes = 6 probabilities, got 9");
  });

  it("names the sample whose label is out of range", () => {
    expect(() => oneVsRest(probabilities, [2, 5, 2], 3, 0)).toThrow("labels[1] = 5 is not a class index in 0..2");
  });
});
