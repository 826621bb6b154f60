import { beforeAll, describe, expect, it } from "vitest";
import { clipGradientsByNorm, EarlyStopping } from "./refinements";
import { tf } from "./runtime-tf";

describe("gradient clipping by global norm", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  /** One plain SGD step (learning rate 1) on loss = Σ slope·v from v = 0: the step is minus the (clipped) gradient. */
  function stepWith(slope: number[], clipNorm: number): number[] {
    const start = tf.zeros([slope.length]);
    const v = tf.variable(start);
    start.dispose();
    const optimizer = tf.train.sgd(1);
    clipGradientsByNorm(tf, optimizer, clipNorm);
    optimizer.minimize(() => tf.sum(tf.mul(v, slope)) as tf.Scalar);
    const after = Array.from(v.dataSync());
    v.dispose();
    optimizer.dispose();
    return after;
  }

  it("scales gradients whose norm exceeds the limit down to it, keeping their direction", () => {
    const [a, b] = stepWith([300, 400], 1);
    expect(a).toBeCloseTo(-0.6, 5);
    expect(b).toBeCloseTo(-0.8, 5);
  });

  it("leaves gradients within the limit alone", () => {
    expect(stepWith([0.3, 0.4], 1).map((x) => Number(x.toFixed(5)))).toEqual([-0.3, -0.4]);
  });

  it("leaves no tensors behind", () => {
    stepWith([1, 2], 1);
    const before = tf.memory().numTensors;
    stepWith([300, 400], 1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("early stopping", () => {
  const model = () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: "zeros" })] });
    return m;
  };
  const setKernel = (m: tf.LayersModel, value: number) => m.setWeights([tf.tensor2d([[value]]), tf.zeros([1])]);

  it("stops once the loss has not improved for `patience` epochs and restores the best epoch's weights", () => {
    const m = model();
    const stopping = new EarlyStopping(tf, 2);
    const losses = [1.0, 0.8, 0.9, 0.85];
    const decisions = losses.map((loss, i) => {
      setKernel(m, i + 1);
      return stopping.observe(i + 1, loss, m);
    });
    expect(decisions).toEqual([false, false, false, true]);
    expect(stopping.bestEpoch).toBe(2);
    stopping.restore(m);
    expect(m.getWeights()[0]?.dataSync()[0]).toBe(2);
    stopping.dispose();
    m.dispose();
  });

  it("keeps going while the loss improves", () => {
    const m = model();
    const stopping = new EarlyStopping(tf, 1);
    expect([3, 2, 1, 0.5].map((loss, i) => stopping.observe(i + 1, loss, m))).toEqual([false, false, false, false]);
    stopping.dispose();
    m.dispose();
  });
});
