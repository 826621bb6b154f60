import type { Dataset } from "../dataset-format";

/**
 * The class of an image laid out as class/file.png (or root/…/class/file.png): its folder's name.
 * Backslashes count as separators too, since zip tools on Windows write them.
 */
export function labelFromPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  if (parts.length < 2) throw new Error(`"${path}" is not inside a folder; put each image in a folder named after its class`);
  return parts[parts.length - 2] as string;
}

export interface LabelledImage {
  label: string;
  /** height × width × channels bytes, row by row, channels interleaved. */
  pixels: Uint8Array;
}

export interface ImageOptions {
  name: string;
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Images already decoded and resized to one size, as a classification dataset of bytes (scaled to 0–1). */
export function imagesToDataset(images: LabelledImage[], options: ImageOptions): Dataset {
  const { height, width, channels } = options;
  for (const [what, n] of [["height", height], ["width", width]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, not ${n}`);
  }
  if (images.length === 0) throw new Error("there are no images");
  const size = height * width * channels;
  const classNames = [...new Set(images.map((image) => image.label))].sort();
  const features = new Uint8Array(images.length * size);
  const targets = new Int32Array(images.length);
  images.forEach((image, i) => {
    if (image.pixels.length !== size) {
      throw new Error(`image ${i} has ${image.pixels.length} bytes, expected ${size} (${height}×${width}×${channels})`);
    }
    features.set(image.pixels, i * size);
    targets[i] = classNames.indexOf(image.label);
  });
  return {
    spec: {
      name: options.name,
      task: "classification",
      count: images.length,
      features: { shape: [height, width, channels], dtype: "uint8", scale: 1 / 255 },
      targets: { shape: [], dtype: "int32", classes: classNames.length, classNames },
    },
    features,
    targets,
  };
}
