import { beforeAll, describe, expect, it } from "vitest";
import { tf } from "../../train/runtime-tf";
import { customLayers } from "./custom-tfjs";

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
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(input) as tf.Tensor)) as tf.Scalar, layer.trainableWeights.map((w) => w.read() as tf.Variable));
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
});
