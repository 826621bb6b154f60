import { z } from "zod";
import { pyKwargs } from "../snippets/literals";

export const learningRateParam = (fallback: number) => z.number().gt(0).max(10).default(fallback).describe("Step size of each update");
export const epsilonParam = z.number().gt(0).max(1).default(1e-7).describe("Added to denominators for numerical stability");
export const beta1Param = z.number().min(0).lt(1).default(0.9).describe("Decay of the running mean of gradients");
export const beta2Param = z.number().min(0).lt(1).default(0.999).describe("Decay of the running mean of squared gradients");

/** torch.optim.<cls>(model.parameters(), …) for generated PyTorch code. */
export function torchOptimizer(cls: string, keywords: Record<string, unknown>): string {
  const rest = pyKwargs(keywords);
  return `torch.optim.${cls}(model.parameters()${rest ? `, ${rest}` : ""})`;
}
