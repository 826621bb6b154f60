import type * as tfjs from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: tfjs.DataType };
type Backend = { disposeData(dataId: object): boolean };
type KernelRun = (kernelName: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) => TensorInfo;

interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tfjs.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/**
 * Conv2DBackpropFilter for the wasm backend, which has none (tfjs falls back to nothing; the cpu
 * reference takes seconds per batch). The filter gradient is itself a convolution: with batch and
 * channels swapped,
 *   dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·s + a, j·s + b, ci] · dy[n,i,j,co]
 * is conv2d(xᵀ, dyᵀ) with the forward strides as dilations, computed here with wasm's own
 * (XNNPACK) kernels. Every caller benefits: plain and fused convolutions, transposed convolutions.
 */
export function registerWasmConvFilterGradient(tf: typeof tfjs): void {
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as BackpropFilterAttrs;
      if (a.dataFormat !== "NHWC") throw new Error("wasm Conv2DBackpropFilter supports NHWC only");
      const intermediates: TensorInfo[] = [];
      const run: KernelRun = (name, kernelInputs, kernelAttrs) => {
        const kernel = tf.getKernel(name, "wasm");
        if (!kernel) throw new Error(`wasm has no ${name} kernel`);
        const out = kernel.kernelFunc({ inputs: kernelInputs as never, attrs: kernelAttrs as never, backend: backend as never }) as TensorInfo;
        intermediates.push(out);
        return out;
      };
      try {
        const [kh, kw, cin, cout] = a.filterShape;
        const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
        const { top, bottom, left, right } = info.padInfo;
        const padded = top + bottom + left + right > 0 ? run("PadV2", { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }) : x;
        const xT = run("Transpose", { x: padded }, { perm: [3, 1, 2, 0] });
        const dyT = run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
        const z = run("Conv2D", { x: xT, filter: dyT }, { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [info.strideHeight, info.strideWidth] });
        const cropped = run("Slice", { x: z }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] });
        const result = run("Transpose", { x: cropped }, { perm: [1, 2, 0, 3] });
        intermediates.pop();
        return result as never;
      } finally {
        for (const t of intermediates) (backend as unknown as Backend).disposeData(t.dataId);
      }
    },
  });
}
