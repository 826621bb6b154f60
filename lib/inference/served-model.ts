import type * as tfjs from "@tensorflow/tfjs";
import type { DatasetSpec } from "../data/dataset-format";
import { customLayers } from "../graph/layers/custom-tfjs";
import { contextWindow, encodeText, generateText, type Vocabulary } from "./text";

/** What a node needs to serve a deployment: the trained model and what its inputs mean. */
export interface DeploymentBundle {
  deploymentId: string;
  modelJson: { modelTopology: unknown; weightsManifest: { weights: tfjs.io.WeightsManifestEntry[] }[] };
  weights: Uint8Array;
  /** The dataset it was trained on: input shape, scale, class names, the vocabulary of a text model. */
  dataset: DatasetSpec;
}

export type InferenceRequest =
  /** Samples as nested arrays in the dataset's stored units (pixels 0–255, say), CSV rows, or texts for a text model. */
  | { kind: "predict"; inputs?: unknown[]; csv?: string }
  | { kind: "complete"; prompt: string; maxTokens: number; temperature: number; seed: number; stop: string[] }
  | { kind: "embed"; inputs: (string | unknown[])[] };

export type InferenceResult =
  | { kind: "predict"; outputs: number[][]; labels?: string[] }
  | { kind: "complete"; text: string; promptTokens: number; completionTokens: number; finishReason: "length" | "stop" }
  | { kind: "embed"; embeddings: number[][]; tokens: number };

/** A request the model cannot answer (wrong shape, a text model asked for numbers…): the caller's fault. */
export class InferenceInputError extends Error {
  override name = "InferenceInputError";
}

/** A deployed model, loaded once and answering requests until disposed. */
export class ServedModel {
  private constructor(
    private readonly tf: typeof tfjs,
    private readonly model: tfjs.LayersModel,
    private readonly embedder: tfjs.LayersModel,
    readonly dataset: DatasetSpec,
  ) {}

  static async load(tf: typeof tfjs, bundle: DeploymentBundle): Promise<ServedModel> {
    customLayers(tf);
    const weights = bundle.weights;
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: bundle.modelJson.modelTopology as tfjs.io.ModelJSON["modelTopology"],
        weightSpecs: bundle.modelJson.weightsManifest.flatMap((g) => g.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
      }),
    );
    // The layer before the head: the model's own representation of an input.
    const penultimate = model.layers.length >= 2 ? model.layers[model.layers.length - 2] : undefined;
    const embedder = penultimate ? tf.model({ inputs: model.inputs, outputs: penultimate.output as tfjs.SymbolicTensor }) : model;
    return new ServedModel(tf, model, embedder, bundle.dataset);
  }

  get vocabulary(): Vocabulary | undefined {
    const text = this.dataset.text;
    return text ? { characters: this.dataset.targets.classNames ?? [], contextLength: text.contextLength } : undefined;
  }

  async run(request: InferenceRequest, onText: (text: string) => void = () => undefined): Promise<InferenceResult> {
    if (request.kind === "complete") {
      const vocabulary = this.vocabulary;
      if (!vocabulary) throw new InferenceInputError(`this model was trained on ${this.dataset.name}, not on text: it predicts, it does not complete`);
      const result = await generateText(request.prompt, vocabulary, (context) => this.probabilities(context), request, onText);
      return { kind: "complete", text: result.text, promptTokens: result.promptTokens, completionTokens: [...result.text].length, finishReason: result.finishReason };
    }
    const samples = request.kind === "predict" ? this.samplesOf(request) : request.inputs;
    const { tensor, tokens } = this.batch(samples);
    try {
      if (request.kind === "embed") {
        const embeddings = (await this.tf.tidy(() => (this.embedder.predict(tensor) as tfjs.Tensor).reshape([samples.length, -1])).array()) as number[][];
        return { kind: "embed", embeddings, tokens };
      }
      const outputs = (await this.tf.tidy(() => (this.model.predict(tensor) as tfjs.Tensor).reshape([samples.length, -1])).array()) as number[][];
      const names = this.dataset.targets.classNames;
      const labels = this.dataset.task === "classification" && names ? outputs.map((row) => names[row.indexOf(Math.max(...row))] as string) : undefined;
      return { kind: "predict", outputs, labels };
    } finally {
      tensor.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }

  private async probabilities(context: number[]): Promise<ArrayLike<number>> {
    const input = this.tf.tensor2d([context], [1, context.length], "int32");
    try {
      const output = this.model.predict(input) as tfjs.Tensor;
      const data = await output.data();
      output.dispose();
      return data;
    } finally {
      input.dispose();
    }
  }

  private samplesOf(request: { inputs?: unknown[]; csv?: string }): unknown[] {
    if (request.inputs) return request.inputs;
    if (request.csv === undefined) throw new InferenceInputError("give inputs (an array of samples) or csv (rows of numbers)");
    return request.csv
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !/^[a-z_]/i.test(line))
      .map((line, row) =>
        line.split(",").map((cell, col) => {
          const value = Number(cell);
          if (!Number.isFinite(value)) throw new InferenceInputError(`csv row ${row + 1}, column ${col + 1}: "${cell}" is not a number`);
          return value;
        }),
      );
  }

  /** Samples as one input tensor, in the units training used (the dataset's scale applied). */
  private batch(samples: unknown[]): { tensor: tfjs.Tensor; tokens: number } {
    if (samples.length === 0) throw new InferenceInputError("no samples given");
    if (samples.length > 1024) throw new InferenceInputError("at most 1024 samples a request");
    const { shape, dtype, scale } = this.dataset.features;
    const size = shape.reduce((a, b) => a * b, 1);
    const vocabulary = this.vocabulary;
    let tokens = 0;
    const rows = samples.map((sample, i) => {
      if (typeof sample === "string") {
        if (!vocabulary) throw new InferenceInputError(`input ${i}: this model reads numbers, not text`);
        const ids = encodeText(sample, vocabulary);
        tokens += ids.length;
        return contextWindow(ids, vocabulary);
      }
      const flat = (Array.isArray(sample) ? sample.flat(Infinity) : [sample]) as unknown[];
      if (flat.length !== size || flat.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
        throw new InferenceInputError(`input ${i}: expected ${size} numbers (shape [${shape.join(", ")}]), got ${flat.length} values`);
      }
      return flat as number[];
    });
    const values = rows.flat();
    const isIds = dtype === "int32" && scale === 1;
    const tensor = isIds
      ? this.tf.tensor(values, [samples.length, ...shape], "int32")
      : this.tf.tensor(
          values.map((v) => v * scale),
          [samples.length, ...shape],
          "float32",
        );
    return { tensor, tokens };
  }
}
