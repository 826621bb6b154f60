import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../data/dataset-format";
import { buildDigits } from "../data/builtin/digits";
import { analyzeGraph } from "../graph/analyze";
import { cnnDigits } from "../graph/templates/cnn-digits";
import { mlpDigits } from "../graph/templates/mlp-digits";
import type { ModelTemplate } from "../graph/templates/template";
import type { Hyperparameters } from "../job/hyperparameters";
import { restoreCheckpoint, type Checkpoint, captureCheckpoint } from "../train/checkpoint";
import { compileGraph } from "../train/compile";
import { seedDropout } from "../train/refinements";
import { tf } from "../train/runtime-tf";
import { disposeModel, trainGraph } from "../train/train-loop";
import { wholeData } from "../train/training-data";
import { stateHash } from "./commitment";
import { replaySegment, type SegmentJob } from "./segments";
import { relativeDistance } from "./verdict";

/**
 * The numbers the tolerance rests on, measured on real digits with the shipped templates: an honest
 * replay on the node's backend is bitwise equal, one on another backend is tiny, and a node that
 * skips one step or trains the right batches in the wrong order lands orders of magnitude further.
 * The measured distances are printed for docs/VERIFICATION.md.
 */

const TOLERANCE = 1e-5;

function firstSamples(dataset: Dataset, count: number): Dataset {
  const pixels = dataset.features.length / dataset.spec.count;
  return { spec: { ...dataset.spec, count }, features: dataset.features.slice(0, count * pixels), targets: dataset.targets.slice(0, count) };
}

/** A cheating node's segment: the right batches of the segment, in the order (or subset) it picks. */
async function cheatSegment(job: SegmentJob & { dataset: Dataset }, from: Checkpoint, steps: number, order: (positions: number[]) => number[]): Promise<Checkpoint> {
  const hp = job.hyperparameters;
  const analysis = analyzeGraph(job.graph);
  const { model, loss } = compileGraph(tf, { graph: job.graph, analysis }, hp);
  const data = wholeData(tf, job.dataset, loss, analysis.data, hp);
  try {
    await restoreCheckpoint(tf, model, from, job.jobId);
    const start = from.step as number;
    const batches = [];
    for await (const batch of data.batches(Math.floor(start / data.batchesPerEpoch) + 1, start % data.batchesPerEpoch)) {
      batches.push(batch);
      if (batches.length === steps) break;
    }
    for (const position of order([...batches.keys()])) {
      const batch = batches[position] as (typeof batches)[number];
      seedDropout(model, hp.seed, start + position);
      await model.trainOnBatch(batch.x, batch.y);
    }
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    return await captureCheckpoint(model, job.jobId, 0, [], start + steps);
  } finally {
    data.dispose();
    disposeModel(model);
  }
}

const measured: Record<string, Record<string, number>> = {};
let digits: Promise<Dataset> | undefined;

async function measure(template: ModelTemplate, batchSize: number, segment: number) {
  digits ??= buildDigits().then((d) => d.train);
  const samples = batchSize * segment * 2;
  const hyperparameters: Hyperparameters = { ...template.hyperparameters, batchSize, epochs: 1, validationSplit: 0, seed: 7 } as Hyperparameters;
  const job = { tf, graph: template.graph, hyperparameters, dataset: firstSamples(await digits, samples), jobId: "job-digits" };
  await tf.setBackend("wasm");
  const taken: Checkpoint[] = [];
  const honest = await trainGraph({ ...job, stepCheckpoints: { every: segment, save: async (c) => void taken.push(c) } });
  disposeModel(honest.model);
  const [start, end] = taken as [Checkpoint, Checkpoint];
  const sameBackend = await replaySegment(job, start, segment);
  const inOrder = await cheatSegment(job, start, segment, (p) => p);
  const skipped = await cheatSegment(job, start, segment, (p) => p.filter((i) => i !== segment / 2));
  const reordered = await cheatSegment(job, start, segment, (p) => p.reverse());
  await tf.setBackend("cpu");
  const otherBackend = await replaySegment(job, start, segment);
  await tf.setBackend("wasm");
  const result = {
    sameBackendHashEqual: (await stateHash(sameBackend)) === (await stateHash(end)) ? 1 : 0,
    inOrderHashEqual: (await stateHash(inOrder)) === (await stateHash(end)) ? 1 : 0,
    sameBackend: relativeDistance(end, sameBackend),
    crossBackend: relativeDistance(end, otherBackend),
    skippedStep: relativeDistance(skipped, end),
    reordered: relativeDistance(reordered, end),
  };
  measured[`${template.id}, ${segment}-step segment, batch ${hyperparameters.batchSize} (node wasm, replay wasm / cpu)`] = result;
  return result;
}

describe("separation of honest and cheating segments on real digits", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });
  afterAll(() => {
    console.log(JSON.stringify(measured, (_, v) => (typeof v === "number" && v > 0 && v < 1 ? Number(v.toExponential(2)) : v), 2));
  });

  // The CNN at a smaller batch: the cpu backend's convolutions are slow, and only the replay's size matters here.
  for (const [template, batchSize, segment] of [
    [mlpDigits, 64, 20],
    [cnnDigits, 16, 10],
  ] as const) {
    it(`${template.id}: honest replays pass, a skipped step and a reordered segment fail`, async () => {
      const d = await measure(template, batchSize, segment);
      // The cheats are built from the same pieces as training: in order, they are honest to the bit.
      expect(d.inOrderHashEqual).toBe(1);
      expect(d.sameBackendHashEqual).toBe(1);
      expect(d.sameBackend).toBe(0);
      expect(d.crossBackend).toBeLessThan(TOLERANCE);
      expect(d.skippedStep).toBeGreaterThan(100 * TOLERANCE);
      expect(d.reordered).toBeGreaterThan(100 * TOLERANCE);
    }, 120_000);
  }
});
