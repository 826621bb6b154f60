import { describe, expect, it } from "vitest";
import { tf } from "./runtime-tf";

async function convGradients(backend: string, stride: number, padding: "same" | "valid", kernel: number) {
  await tf.setBackend(backend);
  const x = tf.randomUniform([3, 11, 9, 2], -1, 1, "float32", 1);
  const w = tf.randomUniform([kernel, kernel, 2, 4], -1, 1, "float32", 2);
  const [gx, gw] = tf.grads((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, padding).square().sum())([x, w]);
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

  it("runs kernels wasm lacks through the cpu reference (UnsortedSegmentSum, the gradient of gather)", async () => {
    await tf.setBackend("wasm");
    const sums = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 1, 0, 1], "int32"), 2);
    expect([...(await sums.data())]).toEqual([4, 6]);
    sums.dispose();
  });
});
