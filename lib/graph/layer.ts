import type * as tfjs from "@tensorflow/tfjs";
import type { z } from "zod";
import type { Shape } from "./types";

export type LayerCategory = "input" | "core" | "convolution" | "pooling" | "normalization" | "regularization" | "reshape" | "recurrent" | "attention" | "activation" | "merge" | "output";

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
  /** The kernel penalty of an attached regularizer node (layers that accept one). */
  regularizer?: ReturnType<typeof tfjs.regularizers.l1l2>;
}

/** What a code generator knows about one node. */
export interface CodegenArgs<P> {
  params: P;
  inputShapes: Shape[];
  outputShape: Shape;
  /** An attached regularizer's factors (layers that accept one). */
  regularization?: Regularization;
}

/** Source a generated file needs once, whichever nodes use it (a helper class, say). */
export interface Helper {
  name: string;
  source: string;
}

/**
 * PyTorch code for one node. Tensors stay channels-last, as in Keras and tfjs, so that shapes,
 * flatten order and parameter counts agree across the three targets.
 */
export interface PytorchCode {
  /** nn.Module constructor kept on the model as self.<name>; omitted for stateless ops. */
  module?: string;
  /** Expression for the output, given the input variables (at least one) and the module's attribute (self.<name>). */
  forward(inputs: [string, ...string[]], self: string): string;
  helpers?: Helper[];
  /** The module keeps a loss of its own as added_loss (a VAE's KL term), which the training step adds. */
  addsLoss?: boolean;
}

/** Keras or tfjs code for one node: a layer constructor, called on the node's inputs. */
export interface LayerCode {
  layer: string;
  helpers?: Helper[];
  /** How to call the layer when not as layer(x) / layer([a, b]) (Keras attention takes query, value). */
  call?(layer: string, inputs: [string, ...string[]]): string;
}

export interface Codegen<P> {
  pytorch(args: CodegenArgs<P>): PytorchCode;
  keras(args: CodegenArgs<P>): LayerCode;
  tfjs(args: CodegenArgs<P>): LayerCode;
}

/** Handles through which configuration nodes attach to others (not tensors). */
export type AttachmentKind = "optimizer" | "schedule" | "regularizer" | "data";
export const ATTACHMENT_KINDS: readonly AttachmentKind[] = ["optimizer", "schedule", "regularizer", "data"];

/** "an optimizer", "a schedule": for messages naming an attachment kind. */
export const withArticle = (kind: string): string => `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind}`;

/** L1/L2 penalty factors a regularizer node gives the layers it is attached to. */
export interface Regularization {
  l1: number;
  l2: number;
}

/**
 * Everything about one node type, in one place: add a file under layers/ and register it.
 * P is the parsed parameter object; the zod schema carries types, ranges, defaults and docs.
 */
export interface LayerDefinition<P = Record<string, unknown>> {
  kind: "layer";
  type: string;
  label: string;
  category: LayerCategory;
  description: string;
  params: z.ZodType<P>;
  /** Configuration a node takes besides tensors (the Output takes an optimizer). */
  accepts?: readonly AttachmentKind[];
  /** For weight layers that take a regularizer: the argument that carries it in Keras and tfjs. */
  regularizerArg?: { keras: string; tfjs: string };
  /** How many incoming tensor edges the node takes; several are ordered by target handle (in0, in1, …). */
  inputs: { min: number; max: number };
  inferShape(inputShapes: Shape[], params: P): Shape;
  /** Trainable parameters the node adds, given its input shapes. */
  paramCount(inputShapes: Shape[], params: P): number;
  /** Floating-point operations of one forward pass for one sample (a multiply-add counts 2). */
  flops?(inputShapes: Shape[], params: P, outputShape: Shape): number;
  build(args: BuildArgs<P>): tfjs.SymbolicTensor;
  /** Code generation; Input and Output nodes are written by the generators themselves. */
  codegen?: Codegen<P>;
  /** A small valid use (input shapes and parameters): documentation, palette previews and the registry-wide tests. */
  example?: LayerExample;
}

export interface LayerExample {
  inputs: { shape: number[]; dtype?: "float32" | "int32" }[];
  params?: Record<string, unknown>;
}

export function defineLayer<P>(definition: Omit<LayerDefinition<P>, "kind">): LayerDefinition<P> {
  return { ...definition, kind: "layer" };
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

/** Applies a tfjs layer to the node's input(s) and types the result. */
export function applyLayer(layer: tfjs.layers.Layer, inputs: tfjs.SymbolicTensor[]): tfjs.SymbolicTensor {
  return layer.apply(inputs.length === 1 ? single(inputs) : inputs) as tfjs.SymbolicTensor;
}

/** Every attachment handle a layer offers. */
export function attachmentsOf(layer: LayerDefinition): AttachmentKind[] {
  return [...(layer.accepts ?? []), ...(layer.regularizerArg ? (["regularizer"] as const) : [])];
}

export const KERNEL_REGULARIZER = { keras: "kernel_regularizer", tfjs: "kernelRegularizer" };
