import type * as tfjs from "@tensorflow/tfjs";
import type { Helper } from "../layer";

/**
 * tfjs layers that tfjs-layers lacks: multi-head attention, a transformer encoder block,
 * sinusoidal positional encoding and a VAE's sampling step. The classes are made per tf instance (graph code never imports
 * tfjs) and registered for serialisation, so saved models load again. TFJS_SOURCES holds the same
 * classes as JavaScript for generated code; a test checks both compute the same thing.
 */

type Tensor = tfjs.Tensor;
type Kwargs = { training?: boolean };

interface AttentionWeights {
  wq: tfjs.LayerVariable;
  bq: tfjs.LayerVariable;
  wk: tfjs.LayerVariable;
  bk: tfjs.LayerVariable;
  wv: tfjs.LayerVariable;
  bv: tfjs.LayerVariable;
  wo: tfjs.LayerVariable;
  bo: tfjs.LayerVariable;
}

type Initializer = ReturnType<typeof tfjs.initializers.zeros>;
type AddWeight = (name: string, shape: number[], initializer: Initializer) => tfjs.LayerVariable;

function addAttentionWeights(add: AddWeight, tf: typeof tfjs, depth: number, valueDepth: number, prefix = ""): AttentionWeights {
  const init = () => tf.initializers.glorotUniform({});
  const zeros = () => tf.initializers.zeros();
  const w = (name: string, shape: number[], initializer: Initializer) => add(`${prefix}${name}`, shape, initializer);
  return {
    wq: w("query_kernel", [depth, depth], init()),
    bq: w("query_bias", [depth], zeros()),
    wk: w("key_kernel", [valueDepth, depth], init()),
    bk: w("key_bias", [depth], zeros()),
    wv: w("value_kernel", [valueDepth, depth], init()),
    bv: w("value_bias", [depth], zeros()),
    wo: w("output_kernel", [depth, depth], init()),
    bo: w("output_bias", [depth], zeros()),
  };
}

/** x · kernel + bias over the last axis of a tensor of any rank (tf.dot takes rank 2 at most). */
function linear(tf: typeof tfjs, x: Tensor, kernel: tfjs.LayerVariable, bias: tfjs.LayerVariable): Tensor {
  const k = kernel.read();
  const out = tf.matMul(tf.reshape(x, [-1, k.shape[0] as number]), k);
  return tf.add(tf.reshape(out, [...x.shape.slice(0, -1), k.shape[1] as number]), bias.read());
}

/** Scaled dot-product attention over numHeads heads of size depth / numHeads (Keras semantics). */
function attend(tf: typeof tfjs, query: Tensor, value: Tensor, w: AttentionWeights, numHeads: number, dropout: number, training: boolean): Tensor {
  const [batch, steps, depth] = query.shape as [number, number, number];
  const sourceSteps = value.shape[1] as number;
  const head = depth / numHeads;
  const project = (x: Tensor, k: tfjs.LayerVariable, b: tfjs.LayerVariable, length: number) => tf.transpose(tf.reshape(linear(tf, x, k, b), [batch, length, numHeads, head]), [0, 2, 1, 3]);
  const q = project(query, w.wq, w.bq, steps);
  const k = project(value, w.wk, w.bk, sourceSteps);
  const v = project(value, w.wv, w.bv, sourceSteps);
  let weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(head)));
  if (training && dropout > 0) weights = tf.dropout(weights, dropout);
  const mixed = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [batch, steps, depth]);
  return linear(tf, mixed, w.wo, w.bo);
}

function layerNorm(tf: typeof tfjs, x: Tensor, gamma: tfjs.LayerVariable, beta: tfjs.LayerVariable, epsilon: number): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma.read()), beta.read());
}

/** The sinusoidal table of "Attention Is All You Need" for [steps, depth]. */
function sinusoid(tf: typeof tfjs, steps: number, depth: number): Tensor {
  const values = new Float32Array(steps * depth);
  for (let pos = 0; pos < steps; pos++) {
    for (let i = 0; i < depth; i++) {
      const angle = pos / 10000 ** ((2 * Math.floor(i / 2)) / depth);
      values[pos * depth + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(values, [steps, depth]);
}

const pairOf = (input: tfjs.Shape | tfjs.Shape[]): [tfjs.Shape, tfjs.Shape] =>
  Array.isArray(input[0]) ? [(input as tfjs.Shape[])[0] as tfjs.Shape, ((input as tfjs.Shape[])[1] ?? (input as tfjs.Shape[])[0]) as tfjs.Shape] : [input as tfjs.Shape, input as tfjs.Shape];

const tensorsOf = (inputs: Tensor | Tensor[]): [Tensor, Tensor] => (Array.isArray(inputs) ? [inputs[0] as Tensor, (inputs[1] ?? inputs[0]) as Tensor] : [inputs, inputs]);

/** KL(N(mean, exp(logVar)) ‖ N(0, 1)) per sample, summed over the latent axis and averaged over the batch. */
export function klDivergence(tf: typeof tfjs, mean: Tensor, logVar: Tensor): tfjs.Scalar {
  return tf.mean(tf.mul(tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar))), -1), -0.5));
}

function defineClasses(tf: typeof tfjs) {
  class CyxMultiHeadAttention extends tf.layers.Layer {
    static className = "CyxMultiHeadAttention";
    readonly numHeads: number;
    readonly dropout: number;
    private w?: AttentionWeights;

    constructor(config: { numHeads: number; dropout?: number; name?: string }) {
      super(config);
      this.numHeads = config.numHeads;
      this.dropout = config.dropout ?? 0;
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const [query, value] = pairOf(inputShape);
      this.w = addAttentionWeights((n, s, i) => this.addWeight(n, s, "float32", i), tf, query[query.length - 1] as number, value[value.length - 1] as number);
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      return pairOf(inputShape)[0];
    }

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const [query, value] = tensorsOf(inputs);
        return attend(tf, query, value, this.w as AttentionWeights, this.numHeads, this.dropout, Boolean(kwargs.training));
      });
    }

    override getConfig() {
      return { ...super.getConfig(), numHeads: this.numHeads, dropout: this.dropout };
    }
  }

  class CyxTransformerEncoder extends tf.layers.Layer {
    static className = "CyxTransformerEncoder";
    readonly numHeads: number;
    readonly ffDim: number;
    readonly dropout: number;
    private w?: AttentionWeights & Record<"g1" | "b1" | "g2" | "b2" | "k1" | "c1" | "k2" | "c2", tfjs.LayerVariable>;

    constructor(config: { numHeads: number; ffDim: number; dropout?: number; name?: string }) {
      super(config);
      this.numHeads = config.numHeads;
      this.ffDim = config.ffDim;
      this.dropout = config.dropout ?? 0;
    }

    override build(inputShape: tfjs.Shape | tfjs.Shape[]): void {
      const depth = pairOf(inputShape)[0].at(-1) as number;
      const w: AddWeight = (name, shape, init) => this.addWeight(name, shape, "float32", init);
      this.w = {
        ...addAttentionWeights(w, tf, depth, depth, "attention_"),
        g1: w("norm1_gamma", [depth], tf.initializers.ones()),
        b1: w("norm1_beta", [depth], tf.initializers.zeros()),
        k1: w("ff1_kernel", [depth, this.ffDim], tf.initializers.glorotUniform({})),
        c1: w("ff1_bias", [this.ffDim], tf.initializers.zeros()),
        k2: w("ff2_kernel", [this.ffDim, depth], tf.initializers.glorotUniform({})),
        c2: w("ff2_bias", [depth], tf.initializers.zeros()),
        g2: w("norm2_gamma", [depth], tf.initializers.ones()),
        b2: w("norm2_beta", [depth], tf.initializers.zeros()),
      };
      this.built = true;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      return pairOf(inputShape)[0];
    }

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const w = this.w as NonNullable<typeof this.w>;
        const training = Boolean(kwargs.training);
        const drop = (t: Tensor) => (training && this.dropout > 0 ? tf.dropout(t, this.dropout) : t);
        const [x] = tensorsOf(inputs);
        const attended = layerNorm(tf, tf.add(x, drop(attend(tf, x, x, w, this.numHeads, this.dropout, training))), w.g1, w.b1, 1e-3);
        const fed = linear(tf, tf.relu(linear(tf, attended, w.k1, w.c1)), w.k2, w.c2);
        return layerNorm(tf, tf.add(attended, drop(fed)), w.g2, w.b2, 1e-3);
      });
    }

    override getConfig() {
      return { ...super.getConfig(), numHeads: this.numHeads, ffDim: this.ffDim, dropout: this.dropout };
    }
  }

  class CyxPositionalEncoding extends tf.layers.Layer {
    static className = "CyxPositionalEncoding";

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      return pairOf(inputShape)[0];
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const [x] = tensorsOf(inputs);
        const [, steps, depth] = x.shape as [number, number, number];
        return tf.add(x, sinusoid(tf, steps, depth));
      });
    }
  }

  /**
   * A VAE's reparameterisation: z = mean + exp(logVar / 2) · ε while training (the mean otherwise),
   * adding klWeight · KL(N(mean, exp(logVar)) ‖ N(0, 1)), averaged over the batch, to the model's
   * loss. The KL term is the one computed in this training step's forward pass: tfjs asks layers
   * for their losses inside the same gradient scope, after the forward pass.
   */
  class CyxSampling extends tf.layers.Layer {
    static className = "CyxSampling";
    readonly klWeight: number;
    readonly seed: number;
    private draws = 0;
    private kl?: Tensor;

    constructor(config: { klWeight?: number; seed?: number; name?: string }) {
      super(config);
      this.klWeight = config.klWeight ?? 1;
      this.seed = config.seed ?? 0;
      this.addLoss(() => (this.kl && !this.kl.isDisposed ? (this.kl as tfjs.Scalar) : tf.scalar(0)));
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      return pairOf(inputShape)[0];
    }

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
      const [mean, logVar] = tensorsOf(inputs);
      if (!kwargs.training) return mean.clone();
      this.kl = tf.mul(klDivergence(tf, mean, logVar), this.klWeight);
      // Seeded, and different at every step, so that a seeded job trains reproducibly.
      const noise = tf.randomNormal(mean.shape, 0, 1, "float32", this.seed * 1_000_003 + this.draws++);
      return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise));
    }

    override getConfig() {
      return { ...super.getConfig(), klWeight: this.klWeight, seed: this.seed };
    }
  }

  for (const cls of [CyxMultiHeadAttention, CyxTransformerEncoder, CyxPositionalEncoding, CyxSampling]) tf.serialization.registerClass(cls);
  return { CyxMultiHeadAttention, CyxTransformerEncoder, CyxPositionalEncoding, CyxSampling };
}

const cache = new WeakMap<object, ReturnType<typeof defineClasses>>();

/** The custom layer classes for this tf instance (defined and registered once). */
export function customLayers(tf: typeof tfjs): ReturnType<typeof defineClasses> {
  let classes = cache.get(tf);
  if (!classes) {
    classes = defineClasses(tf);
    cache.set(tf, classes);
  }
  return classes;
}

const SHARED_SOURCE = `function cyxLinear(x, kernel, bias) {
  const k = kernel.read();
  const out = tf.matMul(tf.reshape(x, [-1, k.shape[0]]), k);
  return tf.add(tf.reshape(out, [...x.shape.slice(0, -1), k.shape[1]]), bias.read());
}

function cyxAttend(query, value, w, numHeads, dropout, training) {
  const [batch, steps, depth] = query.shape;
  const sourceSteps = value.shape[1];
  const head = depth / numHeads;
  const project = (x, k, b, length) => tf.transpose(tf.reshape(cyxLinear(x, k, b), [batch, length, numHeads, head]), [0, 2, 1, 3]);
  const q = project(query, w.wq, w.bq, steps);
  const k = project(value, w.wk, w.bk, sourceSteps);
  const v = project(value, w.wv, w.bv, sourceSteps);
  let weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(head)));
  if (training && dropout > 0) weights = tf.dropout(weights, dropout);
  const mixed = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [batch, steps, depth]);
  return cyxLinear(mixed, w.wo, w.bo);
}

function cyxAttentionWeights(layer, depth, valueDepth, prefix = "") {
  const w = (name, shape, init) => layer.addWeight(prefix + name, shape, "float32", init);
  return {
    wq: w("query_kernel", [depth, depth], tf.initializers.glorotUniform({})),
    bq: w("query_bias", [depth], tf.initializers.zeros()),
    wk: w("key_kernel", [valueDepth, depth], tf.initializers.glorotUniform({})),
    bk: w("key_bias", [depth], tf.initializers.zeros()),
    wv: w("value_kernel", [valueDepth, depth], tf.initializers.glorotUniform({})),
    bv: w("value_bias", [depth], tf.initializers.zeros()),
    wo: w("output_kernel", [depth, depth], tf.initializers.glorotUniform({})),
    bo: w("output_bias", [depth], tf.initializers.zeros()),
  };
}

const cyxPair = (shape) => (Array.isArray(shape[0]) ? [shape[0], shape[1] ?? shape[0]] : [shape, shape]);
const cyxInputs = (inputs) => (Array.isArray(inputs) ? [inputs[0], inputs[1] ?? inputs[0]] : [inputs, inputs]);`;

const CORE: Helper = { name: "cyxAttentionCore", source: SHARED_SOURCE };

/** The custom classes as JavaScript, for generated tfjs code (each entry lists what it needs). */
export const TFJS_SOURCES: Record<"attention" | "transformer" | "positional" | "sampling", Helper[]> = {
  attention: [
    CORE,
    {
      name: "CyxMultiHeadAttention",
      source: `class CyxMultiHeadAttention extends tf.layers.Layer {
  static className = "CyxMultiHeadAttention";
  constructor(config) {
    super(config);
    this.numHeads = config.numHeads;
    this.dropout = config.dropout ?? 0;
  }
  build(inputShape) {
    const [query, value] = cyxPair(inputShape);
    this.w = cyxAttentionWeights(this, query[query.length - 1], value[value.length - 1]);
    this.built = true;
  }
  computeOutputShape(inputShape) {
    return cyxPair(inputShape)[0];
  }
  call(inputs, kwargs) {
    return tf.tidy(() => {
      const [query, value] = cyxInputs(inputs);
      return cyxAttend(query, value, this.w, this.numHeads, this.dropout, Boolean(kwargs.training));
    });
  }
  getConfig() {
    return { ...super.getConfig(), numHeads: this.numHeads, dropout: this.dropout };
  }
}
tf.serialization.registerClass(CyxMultiHeadAttention);`,
    },
  ],
  transformer: [
    CORE,
    {
      name: "CyxTransformerEncoder",
      source: `class CyxTransformerEncoder extends tf.layers.Layer {
  static className = "CyxTransformerEncoder";
  constructor(config) {
    super(config);
    this.numHeads = config.numHeads;
    this.ffDim = config.ffDim;
    this.dropout = config.dropout ?? 0;
  }
  build(inputShape) {
    const depth = cyxPair(inputShape)[0].at(-1);
    const w = (name, shape, init) => this.addWeight(name, shape, "float32", init);
    this.w = {
      ...cyxAttentionWeights(this, depth, depth, "attention_"),
      g1: w("norm1_gamma", [depth], tf.initializers.ones()),
      b1: w("norm1_beta", [depth], tf.initializers.zeros()),
      k1: w("ff1_kernel", [depth, this.ffDim], tf.initializers.glorotUniform({})),
      c1: w("ff1_bias", [this.ffDim], tf.initializers.zeros()),
      k2: w("ff2_kernel", [this.ffDim, depth], tf.initializers.glorotUniform({})),
      c2: w("ff2_bias", [depth], tf.initializers.zeros()),
      g2: w("norm2_gamma", [depth], tf.initializers.ones()),
      b2: w("norm2_beta", [depth], tf.initializers.zeros()),
    };
    this.built = true;
  }
  computeOutputShape(inputShape) {
    return cyxPair(inputShape)[0];
  }
  call(inputs, kwargs) {
    return tf.tidy(() => {
      const w = this.w;
      const training = Boolean(kwargs.training);
      const drop = (t) => (training && this.dropout > 0 ? tf.dropout(t, this.dropout) : t);
      const norm = (x, g, b) => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), g.read()), b.read());
      };
      const [x] = cyxInputs(inputs);
      const attended = norm(tf.add(x, drop(cyxAttend(x, x, w, this.numHeads, this.dropout, training))), w.g1, w.b1);
      return norm(tf.add(attended, drop(cyxLinear(tf.relu(cyxLinear(attended, w.k1, w.c1)), w.k2, w.c2))), w.g2, w.b2);
    });
  }
  getConfig() {
    return { ...super.getConfig(), numHeads: this.numHeads, ffDim: this.ffDim, dropout: this.dropout };
  }
}
tf.serialization.registerClass(CyxTransformerEncoder);`,
    },
  ],
  positional: [
    {
      name: "CyxPositionalEncoding",
      source: `class CyxPositionalEncoding extends tf.layers.Layer {
  static className = "CyxPositionalEncoding";
  computeOutputShape(inputShape) {
    return Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [, steps, depth] = x.shape;
      const values = new Float32Array(steps * depth);
      for (let pos = 0; pos < steps; pos++) {
        for (let i = 0; i < depth; i++) {
          const angle = pos / 10000 ** ((2 * Math.floor(i / 2)) / depth);
          values[pos * depth + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
        }
      }
      return tf.add(x, tf.tensor2d(values, [steps, depth]));
    });
  }
}
tf.serialization.registerClass(CyxPositionalEncoding);`,
    },
  ],
  sampling: [
    {
      name: "CyxSampling",
      source: `class CyxSampling extends tf.layers.Layer {
  static className = "CyxSampling";
  constructor(config) {
    super(config);
    this.klWeight = config.klWeight ?? 1;
    this.seed = config.seed ?? 0;
    this.draws = 0;
    // The KL term of this training step's forward pass joins the model's loss.
    this.addLoss(() => (this.kl && !this.kl.isDisposed ? this.kl : tf.scalar(0)));
  }
  computeOutputShape(inputShape) {
    return Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
  }
  call(inputs, kwargs) {
    const [mean, logVar] = inputs;
    if (!kwargs.training) return mean.clone();
    this.kl = tf.mul(tf.mean(tf.mul(tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar))), -1), -0.5)), this.klWeight);
    const noise = tf.randomNormal(mean.shape, 0, 1, "float32", this.seed * 1000003 + this.draws++);
    return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise));
  }
  getConfig() {
    return { ...super.getConfig(), klWeight: this.klWeight, seed: this.seed };
  }
}
tf.serialization.registerClass(CyxSampling);`,
    },
  ],
};
