import { cnnDigits } from "./cnn-digits";
import { mlpDigits } from "./mlp-digits";
import type { ModelTemplate } from "./template";

export type { ModelTemplate } from "./template";

export const templates: readonly ModelTemplate[] = [mlpDigits, cnnDigits];

export function findTemplate(id: string): ModelTemplate | undefined {
  return templates.find((t) => t.id === id);
}
