import type * as tfjs from "@tensorflow/tfjs";

/**
 * Makes an optimizer rescale each step's gradients so that their global L2 norm is at most
 * clipNorm (as torch.nn.utils.clip_grad_norm_ and Keras's global_clipnorm do). tfjs optimizers
 * have no such option; every one of them, ours included, applies gradients through
 * applyGradients, so that is where the clipping goes.
 */
export function clipGradientsByNorm(tf: typeof tfjs, optimizer: tfjs.Optimizer, clipNorm: number): void {
  const apply = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (gradients: tfjs.NamedTensorMap | { name: string; tensor: tfjs.Tensor }[]) => {
    const named: tfjs.NamedTensorMap = Array.isArray(gradients) ? Object.fromEntries(gradients.map((g) => [g.name, g.tensor])) : gradients;
    const clipped = tf.tidy(() => {
      const norm = tf.sqrt(tf.addN(Object.values(named).map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(clipNorm, tf.add(norm, 1e-12)));
      return Object.fromEntries(Object.entries(named).map(([name, g]) => [name, tf.mul(g, scale)]));
    });
    apply(clipped);
    tf.dispose(Object.values(clipped));
  };
}

/**
 * Early stopping on a loss (lower is better): remembers the best epoch's weights and says when
 * `patience` epochs have passed without improvement. The caller disposes it.
 */
export class EarlyStopping {
  private best = Number.POSITIVE_INFINITY;
  private bestWeights: tfjs.Tensor[] = [];
  bestEpoch = 0;

  constructor(
    private readonly tf: typeof tfjs,
    private readonly patience: number,
  ) {}

  /** Records an epoch's loss; true when training should stop. */
  observe(epoch: number, loss: number, model: tfjs.LayersModel): boolean {
    if (loss < this.best) {
      this.best = loss;
      this.bestEpoch = epoch;
      this.tf.dispose(this.bestWeights);
      this.bestWeights = model.getWeights().map((w) => w.clone());
      return false;
    }
    return epoch - this.bestEpoch >= this.patience;
  }

  /** Puts the best epoch's weights back into the model. */
  restore(model: tfjs.LayersModel): void {
    if (this.bestWeights.length > 0) model.setWeights(this.bestWeights);
  }

  dispose(): void {
    this.tf.dispose(this.bestWeights);
    this.bestWeights = [];
  }
}

/**
 * Gives every Dropout layer a seed of its own for the coming step, from the job's seed, the layer
 * and the step. Unseeded, tfjs draws masks from Math.random, so no step could be replayed by a
 * verifier; one fixed seed would reuse the same mask on every batch and stop dropout regularising.
 */
export function seedDropout(model: tfjs.LayersModel, seed: number, step: number): void {
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() !== "Dropout") return;
    let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35) ^ Math.imul(step + 1, 0x27d4eb2f);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    // tfjs takes a seed of 0 for none.
    (layer as unknown as { seed?: number }).seed = (h ^ (h >>> 12)) >>> 0 || 1;
  });
}
