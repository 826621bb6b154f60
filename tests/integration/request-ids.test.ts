import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { createLogger } from "../../server/log";
import { startTestServer } from "../helpers/context";

describe("request ids", () => {
  const lines: Record<string, unknown>[] = [];
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    server = await startTestServer({}, createLogger("request-ids-test", { level: "debug", destination: sink }));
  });
  afterAll(async () => {
    await server.close();
  });

  it("echoes the caller's request id and stamps every log line written while serving it", async () => {
    const response = await fetch(`${server.rpcUrl}/cyxwiz.v1.JobService/SubmitJob`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "trace-42" },
      body: JSON.stringify({
        config: { name: "traced", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.001 } },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("trace-42");
    expect(lines.find((l) => l.msg === "job submitted")).toMatchObject({ requestId: "trace-42" });
  });

  it("gives a request without one an id of its own", async () => {
    const response = await fetch(`${server.httpUrl}/api/v1/health`);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
