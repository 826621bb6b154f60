/**
 * Classifier metrics over plain arrays, so the Training Dashboard, the tool panels and the tests
 * share one implementation; callers read tensors back (dataSync) before calling, hence no tfjs here.
 *
 * Class indices run 0..classes-1. In the confusion-matrix report a ratio with a zero denominator
 * (precision of a class never predicted, recall of a class absent from the labels) is 0, as with
 * sklearn's zero_division=0, so that a report never shows NaN. The curves are different: with no
 * positives (or, for ROC, no negatives) there is no curve at all, and the area is NaN.
 *
 * Binary models with one sigmoid output need nothing special: pass that probability as the score,
 * and the labels (0/1) as the positives, to rocCurve or precisionRecallCurve. For a softmax model,
 * oneVsRest picks one class's column and labels to feed the same functions.
 */

/** Precision, recall and F1 of one class, and how many samples truly belong to it. */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassReport {
  /** Indexed by class. */
  perClass: ClassMetrics[];
  accuracy: number;
  /** Unweighted mean over all classes, including classes absent from the data (which score 0). */
  macro: AveragedMetrics;
  /** Mean over classes weighted by support. */
  weighted: AveragedMetrics;
  /** Number of samples. */
  support: number;
}

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Rates when predicting positive for scores ≥ threshold; Infinity for the (0, 0) start. */
  threshold: number;
}

export interface RocCurve {
  points: RocPoint[];
  auc: number;
}

export interface PrPoint {
  recall: number;
  precision: number;
  /** Rates when predicting positive for scores ≥ threshold; Infinity for the (recall 0, precision 1) start. */
  threshold: number;
}

export interface PrCurve {
  points: PrPoint[];
  averagePrecision: number;
}

function checkClassCount(classes: number): void {
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`class count must be a positive integer, got ${classes}`);
}

function classAt(name: string, values: ArrayLike<number>, i: number, classes: number): number {
  const value = values[i] as number;
  if (!Number.isInteger(value) || value < 0 || value >= classes) throw new Error(`${name}[${i}] = ${value} is not a class index in 0..${classes - 1}`);
  return value;
}

const ratio = (numerator: number, denominator: number) => (denominator === 0 ? 0 : numerator / denominator);

/** Counts of (true class, predicted class) pairs: rows are true classes, columns predicted ones. */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: number): number[][] {
  checkClassCount(classes);
  if (labels.length !== predictions.length) throw new Error(`labels and predictions differ in length: ${labels.length} labels, ${predictions.length} predictions`);
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const row = matrix[classAt("labels", labels, i, classes)] as number[];
    const predicted = classAt("predictions", predictions, i, classes);
    row[predicted] = (row[predicted] as number) + 1;
  }
  return matrix;
}

/** The predicted class of each sample of a flat row-major [n, classes] array; ties go to the lower index, as tf.argMax does. */
export function argmaxRows(probabilities: ArrayLike<number>, classes: number): Int32Array {
  checkClassCount(classes);
  if (probabilities.length % classes !== 0) throw new Error(`${probabilities.length} values do not split into rows of ${classes} classes`);
  const predicted = new Int32Array(probabilities.length / classes);
  for (let row = 0; row < predicted.length; row++) {
    const start = row * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if ((probabilities[start + c] as number) > (probabilities[start + best] as number)) best = c;
    predicted[row] = best;
  }
  return predicted;
}

/** Per-class precision, recall and F1 from a confusion matrix, with accuracy and macro and support-weighted averages. */
export function classReport(matrix: number[][]): ClassReport {
  const classes = matrix.length;
  matrix.forEach((row, i) => {
    if (row.length !== classes) throw new Error(`confusion matrix must be square: row ${i} has ${row.length} columns, expected ${classes}`);
  });
  const cell = (truth: number, predicted: number) => (matrix[truth] as number[])[predicted] as number;
  let total = 0;
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < classes; c++) {
    let support = 0;
    let predicted = 0;
    for (let other = 0; other < classes; other++) {
      support += cell(c, other);
      predicted += cell(other, c);
    }
    const precision = ratio(cell(c, c), predicted);
    const recall = ratio(cell(c, c), support);
    perClass.push({ precision, recall, f1: ratio(2 * precision * recall, precision + recall), support });
    total += support;
    correct += cell(c, c);
  }
  const average = (weight: (m: ClassMetrics) => number): AveragedMetrics => {
    const sum = perClass.reduce((s, m) => s + weight(m), 0);
    const mean = (key: keyof AveragedMetrics) =>
      ratio(
        perClass.reduce((s, m) => s + weight(m) * m[key], 0),
        sum,
      );
    return { precision: mean("precision"), recall: mean("recall"), f1: mean("f1") };
  };
  return { perClass, accuracy: ratio(correct, total), macro: average(() => 1), weighted: average((m) => m.support), support: total };
}

/** Cumulative true and false positives at each distinct score, highest score first. */
interface Sweep {
  thresholds: number[];
  truePositives: number[];
  falsePositives: number[];
  positives: number;
  negatives: number;
}

function sweep(scores: ArrayLike<number>, positives: ArrayLike<boolean | number>): Sweep {
  if (scores.length !== positives.length) throw new Error(`scores and positives differ in length: ${scores.length} scores, ${positives.length} positives`);
  const positive = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number;
    if (!Number.isFinite(score)) throw new Error(`scores[${i}] = ${score} is not a finite number`);
    const flag = positives[i];
    // Anything else (a -1/1 label, a class index) would be silently misread as positive.
    if (flag !== true && flag !== false && flag !== 0 && flag !== 1) throw new Error(`positives[${i}] = ${String(flag)} is not true, false, 0 or 1`);
    positive[i] = flag ? 1 : 0;
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const result: Sweep = { thresholds: [], truePositives: [], falsePositives: [], positives: 0, negatives: 0 };
  order.forEach((i, k) => {
    if (positive[i]) result.positives++;
    else result.negatives++;
    const next = order[k + 1];
    // Samples with equal scores cannot be told apart by any threshold, so they enter the curve together.
    if (next === undefined || scores[next] !== scores[i]) {
      result.thresholds.push(scores[i] as number);
      result.truePositives.push(result.positives);
      result.falsePositives.push(result.negatives);
    }
  });
  return result;
}

/**
 * The ROC curve through every distinct score, from (0, 0) to (1, 1), and the area under it by the
 * trapezoid rule (so tied positives and negatives count half, as in the Mann–Whitney statistic).
 * Without positives or without negatives one of the rates is 0/0: no points, and auc is NaN.
 * positives holds true/false or 1/0 per sample; anything else is an error.
 */
export function rocCurve(scores: ArrayLike<number>, positives: ArrayLike<boolean | number>): RocCurve {
  const s = sweep(scores, positives);
  if (s.positives === 0 || s.negatives === 0) return { points: [], auc: NaN };
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let area = 0;
  let tp = 0;
  let fp = 0;
  s.thresholds.forEach((threshold, k) => {
    const nextTp = s.truePositives[k] as number;
    const nextFp = s.falsePositives[k] as number;
    // Summed in counts and divided once, so that the area is exact for small data.
    area += ((nextFp - fp) * (nextTp + tp)) / 2;
    tp = nextTp;
    fp = nextFp;
    points.push({ fpr: fp / s.negatives, tpr: tp / s.positives, threshold });
  });
  return { points, auc: area / (s.positives * s.negatives) };
}

/**
 * The precision–recall curve through every distinct score, starting at recall 0, precision 1 (sklearn's
 * convention), and the average precision as sklearn defines it: the sum over thresholds of
 * (R_n − R_{n−1}) · P_n, which does not interpolate and so does not overstate a jagged curve.
 * Without positives recall is 0/0: no points, and averagePrecision is NaN. Without negatives precision is 1 throughout.
 * positives holds true/false or 1/0 per sample; anything else is an error.
 */
export function precisionRecallCurve(scores: ArrayLike<number>, positives: ArrayLike<boolean | number>): PrCurve {
  const s = sweep(scores, positives);
  if (s.positives === 0) return { points: [], averagePrecision: NaN };
  const points: PrPoint[] = [{ recall: 0, precision: 1, threshold: Infinity }];
  let sum = 0;
  let tp = 0;
  s.thresholds.forEach((threshold, k) => {
    const nextTp = s.truePositives[k] as number;
    const precision = nextTp / (nextTp + (s.falsePositives[k] as number));
    sum += (nextTp - tp) * precision;
    tp = nextTp;
    points.push({ recall: tp / s.positives, precision, threshold });
  });
  return { points, averagePrecision: sum / s.positives };
}

/**
 * One class of a multi-class model as a binary problem: its probability column as scores, and
 * whether each sample belongs to it, ready for rocCurve and precisionRecallCurve.
 */
export function oneVsRest(probabilities: ArrayLike<number>, labels: ArrayLike<number>, classes: number, cls: number): { scores: Float32Array; positives: Uint8Array } {
  checkClassCount(classes);
  if (!Number.isInteger(cls) || cls < 0 || cls >= classes) throw new Error(`class ${cls} is not a class index in 0..${classes - 1}`);
  if (probabilities.length !== labels.length * classes) {
    throw new Error(`expected ${labels.length} labels × ${classes} classes = ${labels.length * classes} probabilities, got ${probabilities.length}`);
  }
  const scores = new Float32Array(labels.length);
  const positives = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    scores[i] = probabilities[i * classes + cls] as number;
    positives[i] = classAt("labels", labels, i, classes) === cls ? 1 : 0;
  }
  return { scores, positives };
}
