import type * as tfjs from "@tensorflow/tfjs";

type Conv2DAttrs = {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tfjs.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dilations: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
};

/**
 * The wasm backend has no Conv2DBackpropFilter kernel, and the cpu fallback takes seconds per
 * batch. The filter gradient is itself a convolution: with batch and channels swapped,
 *   dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·s + a, j·s + b, ci] · dy[n,i,j,co]
 * is conv2d(xᵀ, dyᵀ) with the forward strides as dilations. This reroutes Conv2D's filter
 * gradient through that identity on wasm (XNNPACK-fast) and leaves other backends untouched.
 */
export function installWasmConvGradient(tf: typeof tfjs): void {
  const original = tf.getGradient("Conv2D");
  if (!original?.gradFunc) return;
  const originalGrad = original.gradFunc;
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const grads = originalGrad(dy, saved, attrs);
      const a = attrs as unknown as Conv2DAttrs;
      const dilated = (typeof a.dilations === "number" ? a.dilations : Math.max(...a.dilations)) !== 1;
      if (tf.getBackend() !== "wasm" || a.dataFormat !== "NHWC" || dilated) return grads;
      const [x, filter] = saved as [tfjs.Tensor4D, tfjs.Tensor4D];
      return { ...grads, filter: () => filterGradient(tf, x, dy as tfjs.Tensor4D, filter.shape, a) };
    },
  });
}

function filterGradient(
  tf: typeof tfjs,
  x: tfjs.Tensor4D,
  dy: tfjs.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: Conv2DAttrs,
): tfjs.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const { top, bottom, left, right } = info.padInfo;
    const padded = top + bottom + left + right > 0 ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    const xT = tf.transpose(padded, [3, 1, 2, 0]);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]);
    const z = tf.conv2d(xT as tfjs.Tensor4D, dyT as tfjs.Tensor4D, 1, "valid", "NHWC", [info.strideHeight, info.strideWidth]);
    const [kh, kw, cin, cout] = filterShape;
    return tf.transpose(tf.slice(z, [0, 0, 0, 0], [cin, kh, kw, cout]), [1, 2, 0, 3]) as tfjs.Tensor4D;
  });
}
