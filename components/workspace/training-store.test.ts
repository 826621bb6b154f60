import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { blobs } from "../../lib/data/test-fixtures";
import { blobsClassifier as graph } from "../../lib/graph/examples";
import { createLocalExecutor, type TrainingExecutor } from "../../lib/compute/executor";
import { tf } from "../../lib/train/runtime-tf";
import { createApi } from "../api/clients";
import { useConsole } from "./console-store";
import { useRuns } from "./runs-store";
import { startDatasetServer, installMemoryStorage, type DatasetServer } from "./test-support";
import { createTrainingStore, type TrainingRequest } from "./training-store";

let server: DatasetServer;
let request: TrainingRequest;

beforeAll(async () => {
  installMemoryStorage();
  server = await startDatasetServer();
  request = { name: "Blobs MLP", graph, hyperparameters: { epochs: 2, batchSize: 16, learningRate: 0.05, optimizer: "adam", validationSplit: 0.2, seed: 1 }, dataset: server.add(blobs(150)) };
});
afterAll(() => server.close());

/** Long enough to be caught in the middle. */
const long = () => ({ ...request, hyperparameters: { ...request.hyperparameters, epochs: 1000 } });

/** The real local executor on tfjs's cpu backend, counting what the store asks of it. */
function countedExecutor() {
  const calls = { created: 0, probes: 0, disposed: 0 };
  const create = (): TrainingExecutor => {
    calls.created++;
    const executor = createLocalExecutor(tf, ["cpu"]);
    return {
      ...executor,
      probe: () => (calls.probes++, executor.probe()),
      dispose: () => (calls.disposed++, executor.dispose()),
    };
  };
  return { calls, create };
}

const runOf = (id: string | undefined) => useRuns.getState().runs.find((r) => r.id === id);

describe("local training", () => {
  it("trains the graph on the server's dataset and ends done, with the trained model to export", async () => {
    const store = createTrainingStore(countedExecutor().create);
    await store.getState().trainHere(createApi(server.url), request);
    const { phase, progress, message, outcome } = store.getState();
    expect(phase).toBe("done");
    expect(progress).toBe(1);
    expect(message).toMatch(/^trained in \d+\.\d s on cpu$/);
    expect(outcome?.weights.byteLength).toBeGreaterThan(0);
  });

  it("draws its curves from its run in the Dashboard, which ends done with the held-out predictions", async () => {
    const store = createTrainingStore(countedExecutor().create);
    await store.getState().trainHere(createApi(server.url), request);
    const run = runOf(store.getState().runId);
    expect(run).toMatchObject({ source: "local", status: "done", note: expect.stringMatching(/^cpu, /) as string });
    expect(run?.name).toMatch(/^Blobs MLP · /);
    expect(run?.points.at(-1)?.step).toBe(2);
    expect(Object.keys(run?.points.at(-1)?.values ?? {})).toEqual(expect.arrayContaining(["loss", "accuracy", "val_loss", "samples_per_s"]));
    expect(run?.predictions?.classes).toBe(3);
  });

  it("logs each finished epoch and the final metrics to the console", async () => {
    const store = createTrainingStore(countedExecutor().create);
    const before = useConsole.getState().entries.length;
    await store.getState().trainHere(createApi(server.url), request);
    const lines = useConsole
      .getState()
      .entries.slice(before)
      .filter((e) => e.source === "training")
      .map((e) => e.text);
    expect(lines).toEqual([expect.stringMatching(/^epoch 1\/2: loss /), expect.stringMatching(/^epoch 2\/2: loss /), expect.stringMatching(/^trained in .* on cpu: loss /)]);
  });

  it("measures the backends once for every run on the same executor", async () => {
    const executor = countedExecutor();
    const store = createTrainingStore(executor.create);
    await store.getState().trainHere(createApi(server.url), request);
    await store.getState().trainHere(createApi(server.url), request);
    expect(executor.calls).toMatchObject({ created: 1, probes: 1 });
  });

  it("holds while paused and carries on once resumed", async () => {
    const store = createTrainingStore(countedExecutor().create);
    const training = store.getState().trainHere(createApi(server.url), long());
    await vi.waitFor(() => expect(runOf(store.getState().runId)?.points.length).toBeGreaterThan(0));
    store.getState().pauseOrResume();
    expect(store.getState().phase).toBe("paused");
    // The batch in flight when paused may still report.
    await new Promise((r) => setTimeout(r, 300));
    const held = runOf(store.getState().runId)?.points.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(runOf(store.getState().runId)?.points.length).toBe(held);
    store.getState().pauseOrResume();
    expect(store.getState().phase).toBe("training");
    await vi.waitFor(() => expect(runOf(store.getState().runId)?.points.length).toBeGreaterThan(held as number), { timeout: 5000 });
    store.getState().stop();
    await training;
  });

  it("stops when asked: back to idle, the run ends stopped", async () => {
    const store = createTrainingStore(countedExecutor().create);
    const training = store.getState().trainHere(createApi(server.url), long());
    await vi.waitFor(() => expect(store.getState().phase).toBe("training"));
    store.getState().stop();
    await training;
    expect(store.getState()).toMatchObject({ phase: "idle", message: "stopped" });
    expect(runOf(store.getState().runId)?.status).toBe("stopped");
  });

  it("fails with the reason when the dataset's file is not the one its hash names", async () => {
    const damaged = server.add(blobs(60));
    server.corrupt(damaged.sha256);
    const store = createTrainingStore(countedExecutor().create);
    await store.getState().trainHere(createApi(server.url), { ...request, dataset: damaged });
    expect(store.getState().phase).toBe("failed");
    expect(store.getState().message).toMatch(/^dataset hash mismatch/);
    expect(runOf(store.getState().runId)?.status).toBe("failed");
    expect(useConsole.getState().entries.at(-1)).toMatchObject({ source: "training", level: "error", text: expect.stringMatching(/^training failed: dataset hash mismatch/) as string });
  });

  it("on dispose ends the executor and starts again from nothing, whatever the stopped run does after", async () => {
    const executor = countedExecutor();
    const store = createTrainingStore(executor.create);
    const training = store.getState().trainHere(createApi(server.url), long());
    await vi.waitFor(() => expect(store.getState().phase).toBe("training"));
    const { runId } = store.getState();
    store.getState().dispose();
    await training;
    expect(executor.calls.disposed).toBe(1);
    expect(store.getState()).toMatchObject({ phase: "idle", progress: 0, message: undefined, runId: undefined, outcome: undefined });
    expect(runOf(runId)?.status).toBe("stopped");
  });
});
