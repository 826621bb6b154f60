import type * as tfjs from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: tfjs.DataType };
type Padding = "valid" | "same" | number | tfjs.backend_util.ExplicitPadding;
type KernelRun = (kernelName: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) => TensorInfo;

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: tfjs.DataType): TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPF32: Float32Array };
}

interface ConvGradientAttrs {
  strides: number | [number, number];
  pad: Padding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}
type BackpropFilterAttrs = ConvGradientAttrs & { filterShape: [number, number, number, number] };
type BackpropInputAttrs = ConvGradientAttrs & { inputShape: [number, number, number, number] };

interface PoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: Padding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/**
 * Kernels for the wasm backend's training hot paths, each computed with faster kernels than the
 * one tfjs ships. Profiling the digits CNN on wasm put Conv2DBackpropInput (a plain C++ loop)
 * at a third of every step and MaxPoolGrad at a sixth; Conv2DBackpropFilter was missing
 * altogether. Register before the wasm backend initialises.
 */
export function registerWasmTrainingKernels(tf: typeof tfjs): void {
  registerConvFilterGradient(tf);
  registerConvInputGradient(tf);
  registerMaxPoolGradient(tf);
}

/**
 * Runs a composite of wasm kernels, disposing every intermediate except what `body` returns.
 * Calling kernels directly (not tf ops) keeps the composite out of the gradient tape.
 */
function composite(tf: typeof tfjs, backend: unknown, body: (run: KernelRun) => TensorInfo): TensorInfo {
  const intermediates: TensorInfo[] = [];
  const run: KernelRun = (name, inputs, attrs) => {
    const kernel = tf.getKernel(name, "wasm");
    if (!kernel) throw new Error(`wasm has no ${name} kernel`);
    const out = kernel.kernelFunc({ inputs: inputs as never, attrs: attrs as never, backend: backend as never }) as TensorInfo;
    intermediates.push(out);
    return out;
  };
  let result: TensorInfo | undefined;
  try {
    result = body(run);
    return result;
  } finally {
    for (const t of intermediates) if (t !== result) (backend as WasmBackend).disposeData(t.dataId);
  }
}

/** Replaces a registered kernel, keeping its setup (wasm function bindings) for the fallback. */
function replaceKernel(tf: typeof tfjs, kernelName: string, kernelFunc: (original: tfjs.KernelFunc) => tfjs.KernelFunc): void {
  const original = tf.getKernel(kernelName, "wasm");
  if (!original) throw new Error(`wasm has no ${kernelName} kernel to replace`);
  tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({ ...original, kernelFunc: kernelFunc(original.kernelFunc) });
}

/**
 * Conv2DBackpropFilter, which wasm lacks (the cpu reference takes seconds per batch). The filter
 * gradient is itself a convolution: with batch and channels swapped,
 *   dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·s + a, j·s + b, ci] · dy[n,i,j,co]
 * is conv2d(xᵀ, dyᵀ) with the forward strides as dilations, computed with XNNPACK's Conv2D.
 * Every caller benefits: plain and fused convolutions, transposed convolutions.
 */
function registerConvFilterGradient(tf: typeof tfjs): void {
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as BackpropFilterAttrs;
      if (a.dataFormat !== "NHWC") throw new Error("wasm Conv2DBackpropFilter supports NHWC only");
      return composite(tf, backend, (run) => {
        const [kh, kw, cin, cout] = a.filterShape;
        const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
        const { top, bottom, left, right } = info.padInfo;
        const padded =
          top + bottom + left + right > 0
            ? run(
                "PadV2",
                { x },
                {
                  paddings: [
                    [0, 0],
                    [top, bottom],
                    [left, right],
                    [0, 0],
                  ],
                  constantValue: 0,
                },
              )
            : x;
        const xT = run("Transpose", { x: padded }, { perm: [3, 1, 2, 0] });
        const dyT = run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
        const z = run("Conv2D", { x: xT, filter: dyT }, { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [info.strideHeight, info.strideWidth] });
        const cropped = run("Slice", { x: z }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] });
        return run("Transpose", { x: cropped }, { perm: [1, 2, 0, 3] });
      }) as never;
    },
  });
}

/**
 * Conv2DBackpropInput for stride 1 as a forward convolution (so XNNPACK's): the input gradient
 * is dy, padded by (k − 1 − forward padding) on each side, convolved with the filter flipped in
 * space and with its channel axes swapped. Strided convolutions keep wasm's own kernel (they
 * would need dy dilated with zeros first).
 */
function registerConvInputGradient(tf: typeof tfjs): void {
  replaceKernel(tf, "Conv2DBackpropInput", (original) => (args) => {
    const { dy, filter } = args.inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as unknown as BackpropInputAttrs;
    const [kh, kw] = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode);
    const { top, bottom, left, right } = info.padInfo;
    const paddings = [
      [0, 0],
      [kh - 1 - top, kh - 1 - bottom],
      [kw - 1 - left, kw - 1 - right],
      [0, 0],
    ];
    const fast = a.dataFormat === "NHWC" && info.strideHeight === 1 && info.strideWidth === 1 && paddings.flat().every((p) => p >= 0);
    if (!fast) return original(args);
    return composite(tf, args.backend, (run) => {
      const padded = paddings.flat().some((p) => p > 0) ? run("PadV2", { x: dy }, { paddings, constantValue: 0 }) : dy;
      const flipped = run("Reverse", { x: filter }, { dims: [0, 1] });
      const swapped = run("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
      return run("Conv2D", { x: padded, filter: swapped }, { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [1, 1] });
    }) as never;
  });
}

/**
 * MaxPoolGrad routing each dy to its window's first maximum (the cpu reference's rule), reading
 * and writing wasm memory in place. wasm's C++ kernel visits every input position and rescans
 * each window covering it; this visits each window once.
 */
function registerMaxPoolGradient(tf: typeof tfjs): void {
  replaceKernel(tf, "MaxPoolGrad", () => ({ inputs, attrs, backend }) => {
    const { dy, input } = inputs as unknown as { dy: TensorInfo; input: TensorInfo };
    const a = attrs as unknown as PoolGradAttrs;
    const wasm = backend as unknown as WasmBackend;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    const dx = wasm.makeOutput(input.shape, "float32");
    const heap = wasm.wasm.HEAPF32;
    const xAt = wasm.dataIdMap.get(input.dataId).memoryOffset / 4;
    const dyAt = wasm.dataIdMap.get(dy.dataId).memoryOffset / 4;
    const dxAt = wasm.dataIdMap.get(dx.dataId).memoryOffset / 4;
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
    heap.fill(0, dxAt, dxAt + batchSize * inHeight * inWidth * channels);
    const rowStride = inWidth * channels;
    let g = dyAt;
    for (let n = 0; n < batchSize; n++) {
      const image = n * inHeight * rowStride;
      for (let oy = 0; oy < outHeight; oy++) {
        const y0 = oy * strideHeight - info.padInfo.top;
        const yFrom = Math.max(0, y0);
        const yTo = Math.min(inHeight, y0 + filterHeight);
        for (let ox = 0; ox < outWidth; ox++) {
          const x0 = ox * strideWidth - info.padInfo.left;
          const xFrom = Math.max(0, x0);
          const xTo = Math.min(inWidth, x0 + filterWidth);
          for (let c = 0; c < channels; c++, g++) {
            let best = -1;
            let max = -Infinity;
            for (let y = yFrom; y < yTo; y++) {
              for (let x = xFrom; x < xTo; x++) {
                const at = image + y * rowStride + x * channels + c;
                const value = heap[xAt + at] as number;
                if (value > max) {
                  max = value;
                  best = at;
                }
              }
            }
            if (best >= 0) heap[dxAt + best] = (heap[dxAt + best] as number) + (heap[g] as number);
          }
        }
      }
    }
    return dx as never;
  });
}
