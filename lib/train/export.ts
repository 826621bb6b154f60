import type * as tfjs from "@tensorflow/tfjs";

/** A trained model in tfjs's "layers-model" format: model.json plus one weights file. */
export interface ExportedModel {
  /** model.json, with weightsManifest paths pointing at WEIGHTS_PLACEHOLDER until the weights have an address. */
  modelJson: Record<string, unknown>;
  weights: Uint8Array;
}

export const WEIGHTS_PLACEHOLDER = "weights.bin";

export async function exportModel(tf: typeof tfjs, model: tfjs.LayersModel): Promise<ExportedModel> {
  let captured: ExportedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const weights = data === undefined ? new Uint8Array() : new Uint8Array(Array.isArray(data) ? concat(data) : data);
      captured = {
        modelJson: {
          format: "layers-model",
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          trainingConfig: artifacts.trainingConfig,
          weightsManifest: [{ paths: [WEIGHTS_PLACEHOLDER], weights: artifacts.weightSpecs ?? [] }],
        },
        weights,
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!captured) throw new Error("tfjs did not hand over the model artifacts");
  return captured;
}

/** model.json with its weights file renamed, e.g. to the weights' artifact hash or to "weights.bin" in a zip. */
export function withWeightsPath(modelJson: Record<string, unknown>, path: string): Record<string, unknown> {
  const manifest = modelJson.weightsManifest as { paths: string[]; weights: unknown[] }[];
  return { ...modelJson, weightsManifest: manifest.map((group) => ({ ...group, paths: [path] })) };
}

function concat(buffers: ArrayBuffer[]): ArrayBuffer {
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}
