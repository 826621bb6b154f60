import { describe, expect, it } from "vitest";
import { tf } from "./runtime-tf";

async function convGradients(backend: string, stride: number, padding: "same" | "valid", kernel: number) {
  await tf.setBackend(backend);
  const x = tf.randomUniform([3, 11, 9, 2], -1, 1, "float32", 1);
  const w = tf.randomUniform([kernel, kernel, 2, 4], -1, 1, "float32", 2);
  const [gx, gw] = tf.grads((a, b) =>
    tf
      .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, padding)
      .square()
      .sum(),
  )([x, w]);
  const out = [await (gx as tf.Tensor).data(), await (gw as tf.Tensor).data()] as const;
  tf.dispose([x, w, gx as tf.Tensor, gw as tf.Tensor]);
  return out;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe("wasm backend completion", () => {
  it.each([
    [1, "valid", 3],
    [2, "same", 3],
    [2, "valid", 3],
    [3, "same", 5],
    [1, "same", 2],
  ] as const)("computes Conv2D gradients as the cpu reference does (stride %i, %s, kernel %i)", async (stride, padding, kernel) => {
    const [cpuX, cpuW] = await convGradients("cpu", stride, padding, kernel);
    const [wasmX, wasmW] = await convGradients("wasm", stride, padding, kernel);
    expect(maxDifference(cpuW, wasmW)).toBeLessThan(1e-3);
    expect(maxDifference(cpuX, wasmX)).toBeLessThan(1e-3);
  });

  it.each([
    [2, 2, "valid"],
    [3, 2, "same"],
    [3, 1, "same"],
    [2, 3, "valid"],
  ] as const)("routes max-pool gradients as the cpu reference does (pool %i, stride %i, %s)", async (pool, stride, padding) => {
    const gradient = async (backend: string) => {
      await tf.setBackend(backend);
      // Rounded values make ties, which must go to the window's first maximum on both backends.
      const x = tf.randomUniform([2, 9, 7, 3], -2, 2, "float32", 3).round();
      const gx = tf.grad((a) =>
        tf
          .maxPool(a as tf.Tensor4D, pool, stride, padding)
          .mul(tf.range(1, 4))
          .sum(),
      )(x);
      const values = await gx.data();
      tf.dispose([x, gx]);
      return values;
    };
    expect(maxDifference(await gradient("cpu"), await gradient("wasm"))).toBeLessThan(1e-5);
  });

  it("computes gradients of 1×1 and even-sized same-padded convolutions as the cpu reference does", async () => {
    for (const kernel of [1, 4]) {
      const [cpuX] = await convGradients("cpu", 1, "same", kernel);
      const [wasmX] = await convGradients("wasm", 1, "same", kernel);
      expect(maxDifference(cpuX, wasmX)).toBeLessThan(1e-3);
    }
  });

  it("runs kernels wasm lacks through the cpu reference (UnsortedSegmentSum, the gradient of gather)", async () => {
    await tf.setBackend("wasm");
    const sums = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 1, 0, 1], "int32"), 2);
    expect([...(await sums.data())]).toEqual([4, 6]);
    sums.dispose();
  });
});
