import type * as tfjs from "@tensorflow/tfjs";
import type { z } from "zod";
import type { Shape } from "./types";

export type LayerCategory =
  | "input"
  | "core"
  | "convolution"
  | "pooling"
  | "activation"
  | "regularization"
  | "reshape"
  | "output";

/** Thrown by shape inference; analysis turns it into an issue naming the node. */
export class ShapeError extends Error {}

export interface BuildArgs<P> {
  /** The tfjs namespace, passed in so that graph code never loads tfjs itself (the server needs only shapes). */
  tf: typeof tfjs;
  params: P;
  inputs: tfjs.SymbolicTensor[];
  /** Unique tfjs layer name derived from the node id. */
  name: string;
  /** Seed for weight initialisers, so that a seeded job trains reproducibly. */
  seed: number;
}

/**
 * Everything about one node type, in one place: add a file under layers/ and register it.
 * P is the parsed parameter object; the zod schema carries types, ranges, defaults and docs.
 */
export interface LayerDefinition<P = Record<string, unknown>> {
  type: string;
  label: string;
  category: LayerCategory;
  description: string;
  params: z.ZodType<P>;
  /** How many incoming edges the node takes. */
  inputs: { min: number; max: number };
  inferShape(inputShapes: Shape[], params: P): Shape;
  /** Trainable parameters the node adds, given its input shapes. */
  paramCount(inputShapes: Shape[], params: P): number;
  build(args: BuildArgs<P>): tfjs.SymbolicTensor;
}

export function defineLayer<P>(definition: LayerDefinition<P>): LayerDefinition<P> {
  return definition;
}

/** Product of all dimensions; throws when one is unknown. */
export function volume(shape: Shape, what: string): number {
  let n = 1;
  for (const d of shape) {
    if (d === null) throw new ShapeError(`${what} needs fully known dimensions, got a dynamic one`);
    n *= d;
  }
  return n;
}

export function lastDim(shape: Shape, what: string): number {
  const d = shape[shape.length - 1];
  if (d === undefined || d === null) throw new ShapeError(`${what} needs a known last dimension`);
  return d;
}

export function firstInput(inputShapes: Shape[]): Shape {
  const shape = inputShapes[0];
  if (!shape) throw new ShapeError("missing input");
  return shape;
}

/** One input tensor; arity is checked before build, so this only guards the type. */
export function single(inputs: tfjs.SymbolicTensor[]): tfjs.SymbolicTensor {
  const input = inputs[0];
  if (!input) throw new Error("layer built without its input");
  return input;
}
