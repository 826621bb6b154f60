import type * as tfjs from "@tensorflow/tfjs";
import { z } from "zod";
import { seededRandom } from "../../data/random";
import { defineComponent } from "../component";
import { ShapeError } from "../layer";

type Params = { flipHorizontal: boolean; flipVertical: boolean; maxShift: number; noise: number };

/** Each image of the batch mirrored along an axis, or not, at random. */
function randomFlip(tf: typeof tfjs, x: tfjs.Tensor4D, axis: 1 | 2, seed: number): tfjs.Tensor4D {
  const flip = tf.randomUniform([x.shape[0], 1, 1, 1], 0, 1, "float32", seed).less(0.5).toFloat();
  return flip.mul(tf.reverse(x, axis)).add(tf.scalar(1).sub(flip).mul(x));
}

/**
 * Each image moved by a whole number of pixels in [−max, max] on both axes; uncovered pixels are 0.
 * A gather over the batch's pixels (the last index is an appended zero pixel) is exact, unlike
 * resampling with cropAndResize, whose box arithmetic drops edge rows to rounding.
 */
function randomShift(tf: typeof tfjs, x: tfjs.Tensor4D, max: number, seed: number): tfjs.Tensor4D {
  const [n, h, w, c] = x.shape;
  const random = seededRandom(seed);
  const offset = () => Math.floor(random() * (2 * max + 1)) - max;
  const sources = new Int32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const dy = offset();
    const dx = offset();
    for (let y = 0; y < h; y++) {
      for (let col = 0; col < w; col++) {
        const sy = y - dy;
        const sx = col - dx;
        sources[(i * h + y) * w + col] = sy >= 0 && sy < h && sx >= 0 && sx < w ? (i * h + sy) * w + sx : n * h * w;
      }
    }
  }
  const pixels = tf.concat([x.reshape([n * h * w, c]), tf.zeros([1, c])], 0);
  return tf.gather(pixels, tf.tensor1d(sources, "int32")).reshape([n, h, w, c]);
}

export const augmentation = defineComponent({
  type: "Augmentation",
  label: "Image augmentation",
  category: "data",
  description: "Random flips, shifts and noise on each training batch (never on validation or test samples), so the model sees more variety.",
  params: z.strictObject({
    flipHorizontal: z.boolean().default(true).describe("Mirror left–right half of the time"),
    flipVertical: z.boolean().default(false).describe("Mirror top–bottom half of the time"),
    maxShift: z.number().int().min(0).max(16).default(2).describe("Largest shift, in pixels, on each axis"),
    noise: z.number().min(0).max(1).default(0).describe("Standard deviation of added Gaussian noise"),
  }),
  provides: "data",
  accepts: ["data"],
  data: {
    phase: "augment",
    spec: (input, p: Params) => {
      if (input && (p.flipHorizontal || p.flipVertical || p.maxShift > 0) && input.features.shape.length !== 3) {
        throw new ShapeError(`flips and shifts need images [height, width, channels]; dataset "${input.name}" has samples of ${JSON.stringify(input.features.shape)}`);
      }
      if (input?.features.dtype === "int32" && input.features.scale === 1) throw new ShapeError(`dataset "${input.name}" holds token ids, which cannot be augmented`);
      return input;
    },
    augment: (tf, x, p: Params, seed) =>
      tf.tidy(() => {
        let out = x;
        if (p.flipHorizontal) out = randomFlip(tf, out as tfjs.Tensor4D, 2, seed);
        if (p.flipVertical) out = randomFlip(tf, out as tfjs.Tensor4D, 1, seed + 1);
        if (p.maxShift > 0) out = randomShift(tf, out as tfjs.Tensor4D, p.maxShift, seed + 2);
        if (p.noise > 0) out = out.add(tf.randomNormal(out.shape, 0, p.noise, "float32", seed + 3));
        return out;
      }),
    codegen: {
      python: (p: Params) => [
        ...(p.flipHorizontal ? ["x = np.where((rng.random(len(x)) < 0.5)[:, None, None, None], x[:, :, ::-1], x)"] : []),
        ...(p.flipVertical ? ["x = np.where((rng.random(len(x)) < 0.5)[:, None, None, None], x[:, ::-1], x)"] : []),
        ...(p.maxShift > 0 ? [`x = np.stack([shift_image(image, *rng.integers(-${p.maxShift}, ${p.maxShift + 1}, size=2)) for image in x])`] : []),
        ...(p.noise > 0 ? [`x = x + rng.normal(0, ${p.noise}, size=x.shape).astype(x.dtype)`] : []),
      ],
      tfjs: (p: Params) => [
        ...(p.flipHorizontal ? ["x = randomFlip(x, 2, seed);"] : []),
        ...(p.flipVertical ? ["x = randomFlip(x, 1, seed + 1);"] : []),
        ...(p.maxShift > 0 ? [`x = randomShift(x, ${p.maxShift}, seed + 2);`] : []),
        ...(p.noise > 0 ? [`x = x.add(tf.randomNormal(x.shape, 0, ${p.noise}, "float32", seed + 3));`] : []),
      ],
    },
  },
});
