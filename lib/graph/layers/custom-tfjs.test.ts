import { beforeAll, describe, expect, it } from "vitest";
import { tf } from "../../train/runtime-tf";
import { customLayers, klDivergence } from "./custom-tfjs";

/**
 * The custom layers are built from differentiable tfjs ops; these checks compare their gradients
 * with central finite differences (float32 on the cpu backend, so tolerances are loose but a
 * wrong or missing gradient path still fails).
 */
function numericGradientCheck(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, samples = 12, eps = 1e-2): number {
  const analytic = tf.grad(f)(x);
  const values = x.dataSync().slice();
  const grads = analytic.dataSync();
  // Errors are measured against the gradient's largest entry: tiny entries are all float32 noise.
  const scale = 1e-3 + Math.max(...Array.from(grads, Math.abs));
  let worst = 0;
  for (let s = 0; s < samples; s++) {
    const i = (s * 7919) % values.length;
    const at = (delta: number) => {
      const shifted = values.slice();
      shifted[i] = (shifted[i] as number) + delta;
      return tf.tidy(() => f(tf.tensor(shifted, x.shape)).dataSync()[0] as number);
    };
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    worst = Math.max(worst, Math.abs(numeric - (grads[i] as number)) / scale);
  }
  analytic.dispose();
  return worst;
}

describe("custom tfjs layers", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  const x = () => tf.randomNormal([2, 4, 8], 0, 1, "float32", 5);

  /** Seeded weights, so that the finite-difference checks are deterministic. */
  function seedWeights(layer: tf.layers.Layer, input: tf.Tensor): void {
    layer.apply(input);
    layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.3, "float32", 100 + i)));
  }

  it("MultiHeadAttention's input gradient matches finite differences", () => {
    const layer = new (customLayers(tf).CyxMultiHeadAttention)({ numHeads: 2 });
    seedWeights(layer, x());
    const f = (input: tf.Tensor) => tf.sum(tf.square(layer.apply(input) as tf.Tensor)) as tf.Scalar;
    expect(numericGradientCheck(f, x())).toBeLessThan(0.05);
  });

  it("MultiHeadAttention's weight gradients are all non-zero", () => {
    const layer = new (customLayers(tf).CyxMultiHeadAttention)({ numHeads: 2 });
    const input = x();
    layer.apply(input);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.square(layer.apply(input) as tf.Tensor)) as tf.Scalar,
      layer.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    expect(Object.keys(grads)).toHaveLength(8);
    for (const g of Object.values(grads)) expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
  });

  it("TransformerEncoder's input gradient matches finite differences", () => {
    const layer = new (customLayers(tf).CyxTransformerEncoder)({ numHeads: 2, ffDim: 16, dropout: 0 });
    seedWeights(layer, x());
    const f = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, tf.linspace(-1, 1, 8))) as tf.Scalar;
    expect(numericGradientCheck(f, x())).toBeLessThan(0.05);
  });

  it("PositionalEncoding adds the sinusoid table and passes gradients through unchanged", () => {
    const layer = new (customLayers(tf).CyxPositionalEncoding)({});
    const zeros = tf.zeros([1, 3, 4]);
    const table = (layer.apply(zeros) as tf.Tensor).arraySync() as number[][][];
    expect(table[0]?.[0]).toEqual([0, 1, 0, 1]);
    expect(table[0]?.[1]?.[0]).toBeCloseTo(Math.sin(1), 5);
    expect(table[0]?.[1]?.[1]).toBeCloseTo(Math.cos(1), 5);
    expect(table[0]?.[1]?.[2]).toBeCloseTo(Math.sin(1 / 100), 5);
    const g = tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input) as tf.Tensor) as tf.Scalar)(x());
    expect([...new Set(g.dataSync())]).toEqual([1]);
  });

  describe("Sampling (VAE)", () => {
    const mean = () =>
      tf.tensor2d([
        [0.5, -1],
        [2, 0],
      ]);
    const logVar = () =>
      tf.tensor2d([
        [0, 1],
        [-1, 0.5],
      ]);

    it("passes the mean through outside training", () => {
      const layer = new (customLayers(tf).CyxSampling)({});
      expect((layer.apply([mean(), logVar()]) as tf.Tensor).arraySync()).toEqual(mean().arraySync());
    });

    it("draws, while training, with the mean and variance its inputs ask for", () => {
      const layer = new (customLayers(tf).CyxSampling)({ seed: 3 });
      const many = tf.fill([4000, 2], 1.5);
      const spread = tf.fill([4000, 2], Math.log(4));
      const z = layer.call([many, spread], { training: true }) as tf.Tensor;
      const { mean: m, variance } = tf.moments(z, 0);
      for (const v of m.dataSync()) expect(v).toBeCloseTo(1.5, 1);
      for (const v of variance.dataSync()) expect(Math.abs(v - 4)).toBeLessThan(0.3);
    });

    it("computes the KL divergence to N(0, 1) in closed form", () => {
      // Per sample: -0.5 · Σ(1 + logVar − mean² − exp(logVar)), then the batch mean.
      const perSample = [-0.5 * (1 + 0 - 0.25 - 1 + (1 + 1 - 1 - Math.E)), -0.5 * (1 - 1 - 4 - Math.exp(-1) + (1 + 0.5 - 0 - Math.exp(0.5)))];
      expect(klDivergence(tf, mean(), logVar()).dataSync()[0]).toBeCloseTo((perSample[0]! + perSample[1]!) / 2, 5);
    });

    it("has KL gradients that match finite differences and the analytic derivatives", () => {
      expect(numericGradientCheck((m) => klDivergence(tf, m, logVar()), mean(), 4)).toBeLessThan(0.02);
      expect(numericGradientCheck((v) => klDivergence(tf, mean(), v), logVar(), 4)).toBeLessThan(0.02);
      // d/dmean = mean / batch; d/dlogVar = (exp(logVar) − 1) / (2 · batch).
      const dMean = tf
        .grad((m: tf.Tensor) => klDivergence(tf, m, logVar()))(mean())
        .arraySync() as number[][];
      const dLogVar = tf
        .grad((v: tf.Tensor) => klDivergence(tf, mean(), v))(logVar())
        .arraySync() as number[][];
      expect(dMean[1]?.[0]).toBeCloseTo(2 / 2, 5);
      expect(dLogVar[0]?.[1]).toBeCloseTo((Math.E - 1) / 4, 5);
    });

    it("adds klWeight times the KL term to the training loss", async () => {
      const lossWith = async (klWeight: number) => {
        const input = tf.input({ shape: [3] });
        const m = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
        const v = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }).apply(input) as tf.SymbolicTensor;
        const z = new (customLayers(tf).CyxSampling)({ klWeight, seed: 9 }).apply([m, v]) as tf.SymbolicTensor;
        const model = tf.model({ inputs: input, outputs: z });
        model.compile({ optimizer: tf.train.sgd(0), loss: "meanSquaredError" });
        const x = tf.tensor2d([
          [1, 0, -1],
          [0.5, 2, 0],
        ]);
        const [means, logVars] = tf.model({ inputs: input, outputs: [m, v] }).predict(x) as tf.Tensor[];
        const loss = (await model.trainOnBatch(x, tf.zeros([2, 2]))) as number;
        return { loss, kl: klDivergence(tf, means as tf.Tensor, logVars as tf.Tensor).dataSync()[0] as number };
      };
      const without = await lossWith(0);
      const weighted = await lossWith(0.5);
      expect(weighted.loss - without.loss).toBeCloseTo(0.5 * weighted.kl, 4);
    });
  });
});
