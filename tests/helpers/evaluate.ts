import { unzipSync } from "fflate";
import { decodeDataset } from "../../lib/data/dataset-format";
import { tf } from "../../lib/train/runtime-tf";
import { datasetTensors } from "../../lib/train/tensors";

/**
 * Loads a downloaded model.zip (model.json + weights.bin) with tfjs, as a user would, and
 * measures its accuracy on a CXDS dataset it never trained on.
 */
export async function accuracyOfModelZip(zip: Uint8Array, datasetBytes: Uint8Array): Promise<number> {
  const files = unzipSync(zip);
  const modelJson = JSON.parse(new TextDecoder().decode(files["model.json"])) as tf.io.ModelJSON;
  const weights = files["weights.bin"] as Uint8Array;
  await tf.setBackend("wasm");
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
  const { x, y } = datasetTensors(tf, decodeDataset(datasetBytes), "categoricalCrossentropy");
  const predicted = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(-1));
  const actual = tf.tidy(() => y.argMax(-1));
  const accuracy = (await tf.mean(tf.equal(predicted, actual).toFloat()).data())[0] as number;
  tf.dispose([x, y, predicted, actual]);
  model.dispose();
  return accuracy;
}

/** The bytes of a registered dataset, fetched from a running server the way nodes fetch them. */
export async function fetchDataset(serverUrl: string, name: string): Promise<Uint8Array> {
  const { datasets } = (await (await fetch(new URL("/api/v1/datasets", serverUrl))).json()) as { datasets: { name: string; sha256: string }[] };
  const dataset = datasets.find((d) => d.name === name);
  if (!dataset) throw new Error(`server has no dataset ${name}`);
  return new Uint8Array(await (await fetch(new URL(`/artifacts/${dataset.sha256}`, serverUrl))).arrayBuffer());
}
