import type * as tfjs from "@tensorflow/tfjs";

type TensorInfo = { dataId: object; shape: number[]; dtype: tfjs.DataType };
interface DataBackend {
  readSync(dataId: object): tfjs.backend_util.BackendValues;
  write(values: tfjs.backend_util.BackendValues, shape: number[], dtype: tfjs.DataType): object;
  disposeData(dataId: object): boolean;
}

/**
 * Fills the gaps of a backend's kernel table with the cpu backend's reference kernels, copying
 * tensors across. The wasm backend lacks e.g. Conv2DBackpropFilter (so no CNN could train on
 * it) and UnsortedSegmentSum (the gradient of gather/embeddings). Correct first; a hot bridged
 * kernel can later get a native implementation, which simply takes precedence.
 * Returns the kernel names it bridged.
 */
export function bridgeMissingKernels(tf: typeof tfjs, target: string, source = "cpu"): string[] {
  const have = new Set(tf.getKernelsForBackend(target).map((k) => k.kernelName));
  const bridged: string[] = [];
  for (const kernel of tf.getKernelsForBackend(source)) {
    if (have.has(kernel.kernelName)) continue;
    tf.registerKernel({
      kernelName: kernel.kernelName,
      backendName: target,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const from = tf.engine().findBackend(source) as unknown as DataBackend;
        const to = backend as unknown as DataBackend;
        const moved: Record<string, TensorInfo> = {};
        for (const [name, info] of Object.entries(inputs as Record<string, TensorInfo>)) {
          // slice(): the target's array may be a view of wasm memory, which moves when it grows.
          const values = (to.readSync(info.dataId) as Float32Array).slice();
          moved[name] = { ...info, dataId: from.write(values, info.shape, info.dtype) };
        }
        try {
          const result = kernel.kernelFunc({ inputs: moved, attrs, backend: from as never }) as TensorInfo | TensorInfo[];
          const outputs = (Array.isArray(result) ? result : [result]).map((out) => {
            const values = from.readSync(out.dataId);
            from.disposeData(out.dataId);
            return { ...out, dataId: to.write(values, out.shape, out.dtype) };
          });
          return (Array.isArray(result) ? outputs : outputs[0]) as never;
        } finally {
          for (const info of Object.values(moved)) from.disposeData(info.dataId);
        }
      },
    });
    bridged.push(kernel.kernelName);
  }
  return bridged;
}
