import { stripVTControlCharacters } from "node:util";
import { render } from "ink-testing-library";
import { createElement } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { Dashboard } from "../../tui/dashboard";
import { connectClients } from "../helpers/clients";
import { startTestServer } from "../helpers/context";
import { SimulatedNode } from "../helpers/simulated-node";
import { waitFor } from "../helpers/wait";

const ENTER = "\r";

describe("the terminal dashboard against a real server", () => {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let node: SimulatedNode | undefined;
  let dashboard: ReturnType<typeof render> | undefined;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    dashboard?.unmount();
    node?.close();
    await server?.close();
  });

  it("shows nodes, jobs and logs as they change, follows a job's log, and says when the server is gone", async () => {
    const running = server as NonNullable<typeof server>;
    const { job } = await connectClients(running.rpcUrl).jobs.submitJob({
      config: {
        name: "tui-job",
        modelDefinition: JSON.stringify(mlpDigits.graph),
        datasetUri: "dataset:mnist-digits",
        hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.01 },
      },
      // Private jobs are their owner's alone; without an API key the dashboard shows the public ones.
      public: true,
    });
    const jobId = job?.id as string;
    dashboard = render(createElement(Dashboard, { server: running.httpUrl, intervalMs: 200 }));
    const frame = () => stripVTControlCharacters(dashboard?.lastFrame() ?? "");
    const shows = (...texts: string[]) => waitFor(() => texts.every((t) => frame().includes(t)), 30_000);

    // No node yet: the job waits in the queue, and its first log line is there.
    await shows("tui-job", "queued", jobId.slice(0, 8), "0/0 online", "1 queued", `queued: tui-job on dataset:mnist-digits, 1 epochs`);
    expect(frame()).toContain(`● ${running.httpUrl} · updated`);
    expect(frame()).toMatch(/normal 1/);

    // A node joins and completes the job: the tables and the log move on without any input.
    node = new SimulatedNode(running.rpcUrl);
    await node.start();
    await shows("simulated", "1/1 online", "completed", "100%", "assigned to node", "completed on unknown backend");
    expect(frame()).toContain("0 queued");
    // Its heartbeat's sample shows in its row.
    await node.heartbeat({ cpuUsage: 0.42, samplesPerSecond: 1234 });
    await shows("42%", "1234");
    // The queue's sparkline remembers the job that waited: up, then down to the floor.
    expect(frame()).toMatch(/queued\s+[▁-█ ]*[▂-█][▁-█]*▁\s+0\s/);

    // Enter on the (only, selected) job follows its log alone.
    dashboard.stdin.write(ENTER);
    await shows(`following tui-job ${jobId.slice(0, 8)}`, "▶");

    // The server goes away (its node first, whose stream would otherwise fail the run): the
    // dashboard keeps its last data and says it is reconnecting.
    node.close();
    node = undefined;
    await running.close();
    server = undefined;
    await shows("unreachable", "reconnecting in");
    expect(frame()).toContain("simulated");
    expect(frame()).toContain("tui-job");
  });
});
