import type { AnalyzedComponent } from "../graph/analyze";
import type { DataPhase } from "../graph/component";
import type { LossName } from "../graph/layers/output";
import { getComponent } from "../graph/registry";
import type { CodePlan } from "./plan";

/**
 * The data half of an export, for graphs with a data pipeline: a CXDS reader, the pipeline's
 * steps as prepare_data / augment, and the targets in the form the loss takes. Python output
 * uses NumPy (shared by the PyTorch and Keras exports); JavaScript output uses tf tensors and the
 * same seeded shuffle as the CyxWiz runtime, so its splits match a CyxWiz job's.
 */

const PYTHON_HELPERS = `def load_cxds(path):
    """Reads a CyxWiz dataset file: features scaled to model inputs, targets as stored."""
    with open(path, "rb") as file:
        raw = file.read()
    if raw[:4] != b"CXDS":
        raise ValueError(f"{path} is not a CXDS dataset file")
    header_length = int.from_bytes(raw[8:12], "little")
    spec = json.loads(raw[12:12 + header_length])
    count = spec["count"]

    def read(at, info):
        values = np.frombuffer(raw, dtype=info["dtype"], count=count * math.prod(info["shape"]), offset=at)
        return values.reshape([count, *info["shape"]])

    features_at = (12 + header_length + 7) & ~7
    x = read(features_at, spec["features"])
    y = read((features_at + x.nbytes + 7) & ~7, spec["targets"])
    tokens = spec["features"]["dtype"] == "int32" and spec["features"]["scale"] == 1
    return (x if tokens else x.astype("float32") * np.float32(spec["features"]["scale"])), y


def split(x, y, validation, test, seed=0):
    """Shuffles with the seed, then holds out a validation and a test part."""
    order = np.random.default_rng(seed).permutation(len(x))
    n_val, n_test = int(len(x) * validation), int(len(x) * test)
    val, test_part, train = np.split(order, [n_val, n_val + n_test])
    return x[train], y[train], x[val], y[val], x[test_part], y[test_part]`;

const PYTHON_SHIFT = `def shift_image(image, dy, dx):
    """The image moved by (dy, dx) pixels; uncovered pixels are 0."""
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out`;

const JS_HELPERS = `/** Reads a CyxWiz dataset file (a path in Node, a URL in the browser) as tensors: features scaled to model inputs. */
export async function loadCxds(path) {
  const bytes = new Uint8Array(typeof window === "undefined" ? await (await import("node:fs/promises")).readFile(path) : await (await fetch(path)).arrayBuffer());
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== "CXDS") throw new Error(\`\${path} is not a CXDS dataset file\`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const spec = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  const buffer = bytes.slice().buffer;
  const arrays = { uint8: Uint8Array, int32: Int32Array, float32: Float32Array };
  const read = (at, info) => new arrays[info.dtype](buffer, at, spec.count * info.shape.reduce((a, b) => a * b, 1));
  const featuresAt = (12 + headerLength + 7) & ~7;
  const features = read(featuresAt, spec.features);
  const targets = read((featuresAt + features.byteLength + 7) & ~7, spec.targets);
  const tensor = (values, info) => tf.tensor(values, [spec.count, ...info.shape], info.dtype === "float32" ? "float32" : "int32");
  const tokens = spec.features.dtype === "int32" && spec.features.scale === 1;
  const x = tensor(features, spec.features);
  return { x: tokens ? x : x.toFloat().mul(spec.features.scale), y: tensor(targets, spec.targets) };
}

/** mulberry32 and a Fisher–Yates shuffle: the CyxWiz runtime's, so splits match a CyxWiz job with the same seed. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffledIndices(n, random) {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Shuffles with the seed, then holds out a validation and a test part. */
export function split(x, y, validation, test, seed = 0) {
  const order = shuffledIndices(x.shape[0], seededRandom(seed));
  const nVal = Math.floor(x.shape[0] * validation);
  const nTest = Math.floor(x.shape[0] * test);
  const take = (t, from, to) => tf.gather(t, tf.tensor1d(order.subarray(from, to), "int32"));
  return { xTrain: take(x, nVal + nTest), yTrain: take(y, nVal + nTest), xVal: take(x, 0, nVal), yVal: take(y, 0, nVal), xTest: take(x, nVal, nVal + nTest), yTest: take(y, nVal, nVal + nTest) };
}`;

const JS_AUGMENT_HELPERS = `function randomFlip(x, axis, seed) {
  const flip = tf.randomUniform([x.shape[0], 1, 1, 1], 0, 1, "float32", seed).less(0.5).toFloat();
  return flip.mul(tf.reverse(x, axis)).add(tf.scalar(1).sub(flip).mul(x));
}

/** Each image moved by whole pixels in [-max, max]; uncovered pixels are 0. */
function randomShift(x, max, seed) {
  const [n, h, w, c] = x.shape;
  const random = seededRandom(seed);
  const sources = new Int32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const dy = Math.floor(random() * (2 * max + 1)) - max;
    const dx = Math.floor(random() * (2 * max + 1)) - max;
    for (let y = 0; y < h; y++) {
      for (let col = 0; col < w; col++) {
        const sy = y - dy;
        const sx = col - dx;
        sources[(i * h + y) * w + col] = sy >= 0 && sy < h && sx >= 0 && sx < w ? (i * h + sy) * w + sx : n * h * w;
      }
    }
  }
  return tf.gather(tf.concat([x.reshape([n * h * w, c]), tf.zeros([1, c])], 0), tf.tensor1d(sources, "int32")).reshape([n, h, w, c]);
}`;

const stepsIn = (steps: AnalyzedComponent[], phase: DataPhase) => steps.filter((s) => s.definition.data?.phase === phase);

/** Steps of the pipeline by phase; without a Split node, the job's validation share. */
function phases(plan: CodePlan) {
  const steps = plan.data ?? [];
  const splitStep = stepsIn(steps, "split")[0] ?? {
    node: { id: "split", type: "Split", params: {} },
    definition: getComponent("Split") as AnalyzedComponent["definition"],
    params: { validation: plan.training.validationSplit ?? 0.1, test: 0 },
  };
  return { source: stepsIn(steps, "source"), labels: stepsIn(steps, "labels"), split: [splitStep], fit: stepsIn(steps, "fit"), augment: stepsIn(steps, "augment") };
}

const pythonLines = (steps: AnalyzedComponent[]) => steps.flatMap((s) => s.definition.data?.codegen.python(s.params, undefined) ?? []);
const jsLines = (steps: AnalyzedComponent[]) => steps.flatMap((s) => s.definition.data?.codegen.tfjs(s.params, undefined) ?? []);

/** Targets as the loss takes them, when no step has encoded them: one-hot for categorical losses, columns otherwise. */
function pythonTargets(loss: LossName, encoded: boolean): string[] {
  if (loss === "categoricalCrossentropy") return encoded ? [] : ['y = np.eye(int(y.max()) + 1, dtype="float32")[y.astype("int64").reshape(-1)]'];
  return encoded ? [] : ['y = y.astype("float32").reshape(len(y), -1)'];
}

function jsTargets(loss: LossName, encoded: boolean): string[] {
  if (loss === "categoricalCrossentropy") return encoded ? [] : ["y = tf.oneHot(y.toInt().reshape([-1]), y.max().arraySync() + 1).toFloat();"];
  return encoded ? [] : ["y = y.toFloat().reshape([y.shape[0], -1]);"];
}

const indentAll = (lines: string[], by: string) => lines.map((l) => (l ? by + l : l));

/** NumPy data code (helpers, prepare_data, augment) for the PyTorch and Keras exports; empty without a pipeline. */
export function pythonData(plan: CodePlan): string[] {
  if (!plan.data) return [];
  const p = phases(plan);
  const augment = pythonLines(p.augment);
  return [
    PYTHON_HELPERS,
    ...(augment.some((l) => l.includes("shift_image")) ? ["", "", PYTHON_SHIFT] : []),
    "",
    "",
    "def prepare_data(seed=0):",
    '    """The graph\'s data pipeline: the dataset, its split and preprocessing (statistics from the training part only)."""',
    ...indentAll([...pythonLines(p.source), ...pythonLines(p.labels), ...pythonTargets(plan.loss, p.labels.length > 0), ...pythonLines(p.split), ...pythonLines(p.fit)], "    "),
    "    return (x_train, y_train), (x_val, y_val), (x_test, y_test)",
    "",
    "",
    "def augment(x, rng):",
    '    """Random changes to one training batch (never to validation or test samples)."""',
    ...indentAll(augment, "    "),
    "    return x",
  ];
}

/** JavaScript data code (loadCxds, split, prepareData, augment) for the tfjs export; empty without a pipeline. */
export function jsData(plan: CodePlan): string[] {
  if (!plan.data) return [];
  const p = phases(plan);
  const augment = jsLines(p.augment);
  return [
    JS_HELPERS,
    ...(augment.some((l) => /random(Flip|Shift)/.test(l)) ? ["", JS_AUGMENT_HELPERS] : []),
    "",
    "/** The graph's data pipeline: the dataset, its split and preprocessing (statistics from the training part only). */",
    "export async function prepareData(seed = 0) {",
    ...indentAll([...jsLines(p.source), ...jsLines(p.labels), ...jsTargets(plan.loss, p.labels.length > 0), ...jsLines(p.split), ...jsLines(p.fit)], "  "),
    "  return { xTrain, yTrain, xVal, yVal, xTest, yTest };",
    "}",
    "",
    "/** Random changes to one training batch (never to validation or test samples). */",
    "export function augment(x, seed = 0) {",
    ...indentAll(augment, "  "),
    "  return x;",
    "}",
  ];
}
