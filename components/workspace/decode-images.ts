"use client";

import { labelFromPath, type LabelledImage } from "../../lib/data/import/images";

export interface ImageImport {
  height: number;
  width: number;
  channels: 1 | 3;
}

/**
 * Decodes picked image files (a folder per class) to fixed-size pixels with the browser's own
 * decoders, reporting progress; files that are not images are skipped and counted.
 */
export async function decodeImageFolder(files: File[], size: ImageImport, onProgress: (done: number, total: number) => void): Promise<{ images: LabelledImage[]; skipped: string[] }> {
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) throw new Error("this browser cannot decode images off-screen");
  const images: LabelledImage[] = [];
  const skipped: string[] = [];
  const pictures = files.filter((f) => f.type.startsWith("image/") || /\.(png|jpe?g|gif|bmp|webp)$/i.test(f.name));
  skipped.push(...files.filter((f) => !pictures.includes(f)).map((f) => f.name));
  for (const [i, file] of pictures.entries()) {
    const path = file.webkitRelativePath || file.name;
    try {
      const bitmap = await createImageBitmap(file);
      context.clearRect(0, 0, size.width, size.height);
      context.drawImage(bitmap, 0, 0, size.width, size.height);
      bitmap.close();
      const rgba = context.getImageData(0, 0, size.width, size.height).data;
      const pixels = new Uint8Array(size.width * size.height * size.channels);
      for (let p = 0; p < size.width * size.height; p++) {
        const [r, g, b] = [rgba[p * 4] as number, rgba[p * 4 + 1] as number, rgba[p * 4 + 2] as number];
        if (size.channels === 1) pixels[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        else pixels.set([r, g, b], p * 3);
      }
      images.push({ label: labelFromPath(path), pixels });
    } catch {
      skipped.push(path);
    }
    if (i % 20 === 0 || i === pictures.length - 1) onProgress(i + 1, pictures.length);
  }
  return { images, skipped };
}
