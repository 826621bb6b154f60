import type * as tfjs from "@tensorflow/tfjs";
import { seededRandom } from "../data/random";

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software adapter (SwiftShader) rather than real GPU hardware. */
  isFallbackAdapter: boolean;
  maxBufferSize: number;
}

export interface BackendMeasurement {
  backend: string;
  available: boolean;
  /** Matched the float64 reference on a small matmul. */
  correct: boolean;
  /** Sustained matmul throughput; 0 when unavailable or wrong. */
  gflops: number;
  selected: boolean;
  /** Why the backend was chosen or passed over, in words for the volunteer page. */
  note: string;
}

export interface ProbeResult {
  chosen: string;
  measurements: BackendMeasurement[];
  adapter?: AdapterInfo;
}

/** Reads the WebGPU adapter, if this context has one (browsers and workers; null in plain Node). */
export async function webgpuAdapterInfo(): Promise<AdapterInfo | undefined> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return undefined;
  const adapter = (await gpu.requestAdapter().catch(() => null)) as {
    info?: Partial<AdapterInfo>;
    isFallbackAdapter?: boolean;
    limits?: { maxBufferSize?: number };
  } | null;
  if (!adapter) return undefined;
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? info.architecture === "swiftshader"),
    maxBufferSize: adapter.limits?.maxBufferSize ?? 0,
  };
}

/** The backend's matmul of two seeded 48×48 matrices against a float64 reference. */
async function isCorrect(tf: typeof tfjs): Promise<boolean> {
  const n = 48;
  const random = seededRandom(7);
  const a = Float32Array.from({ length: n * n }, () => random() * 2 - 1);
  const b = Float32Array.from({ length: n * n }, () => random() * 2 - 1);
  const product = tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n]));
  const got = await product.data();
  tf.dispose(product);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let expected = 0;
      for (let k = 0; k < n; k++) expected += (a[i * n + k] as number) * (b[k * n + j] as number);
      if (!(Math.abs((got[i * n + j] as number) - expected) <= 1e-3 * (1 + Math.abs(expected)))) return false;
    }
  }
  return true;
}

/**
 * Sustained matmul GFLOPS: grows the matrix until one product takes long enough to time well,
 * then repeats it for about budgetMs. The first run of each size pays for shader compilation and
 * is not counted.
 */
async function measureGflops(tf: typeof tfjs, budgetMs: number): Promise<number> {
  const run = async (n: number, reps: number) => {
    const a = tf.randomUniform([n, n], -1, 1, "float32", 1);
    const b = tf.randomUniform([n, n], -1, 1, "float32", 2);
    const start = performance.now();
    let last: tfjs.Tensor | undefined;
    for (let r = 0; r < reps; r++) {
      tf.dispose(last);
      last = tf.matMul(a, b);
    }
    await last?.data();
    const ms = performance.now() - start;
    tf.dispose([a, b, last as tfjs.Tensor]);
    return ms;
  };
  let n = 128;
  await run(n, 1);
  let ms = await run(n, 1);
  while (ms < 15 && n < 1024) {
    n *= 2;
    await run(n, 1);
    ms = await run(n, 1);
  }
  const reps = Math.max(1, Math.min(64, Math.floor(budgetMs / Math.max(ms, 0.01))));
  ms = await run(n, reps);
  return (2 * n ** 3 * reps) / (ms / 1000) / 1e9;
}

/**
 * Tries each candidate backend, keeps those that compute correctly, measures them and switches
 * tfjs to the fastest. A software WebGPU adapter therefore only wins where it really is fastest.
 */
export async function probeBackends(tf: typeof tfjs, candidates: readonly string[], options: { budgetMs?: number; adapter?: AdapterInfo } = {}): Promise<ProbeResult> {
  const measurements: BackendMeasurement[] = [];
  for (const backend of candidates) {
    const m: BackendMeasurement = { backend, available: false, correct: false, gflops: 0, selected: false, note: "" };
    measurements.push(m);
    try {
      if (!(await tf.setBackend(backend))) {
        m.note = backend === "webgpu" && !options.adapter ? "unavailable: this browser offers no WebGPU adapter" : "unavailable: failed to initialise";
        continue;
      }
      await tf.ready();
      m.available = true;
      m.correct = await isCorrect(tf);
      if (!m.correct) {
        m.note = "rejected: wrong results on a reference matmul";
        continue;
      }
      m.gflops = await measureGflops(tf, options.budgetMs ?? 250);
    } catch (error) {
      m.note = `unavailable: ${(error as Error).message}`;
    }
  }
  const usable = measurements.filter((m) => m.correct && m.gflops > 0).sort((a, b) => b.gflops - a.gflops);
  const best = usable[0];
  if (!best) throw new Error(`no usable tfjs backend among ${candidates.join(", ")}`);
  best.selected = true;
  for (const m of measurements) {
    if (m.note) continue;
    const software = m.backend === "webgpu" && options.adapter?.isFallbackAdapter ? " on a software adapter" : "";
    m.note = m.selected ? `selected: fastest measured, ${m.gflops.toFixed(1)} GFLOPS${software}` : `passed over: ${m.gflops.toFixed(1)} GFLOPS${software}, slower than ${best.backend}`;
  }
  await tf.setBackend(best.backend);
  return { chosen: best.backend, measurements, adapter: options.adapter };
}
