import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClients, grpcClients } from "../helpers/clients";
import { startTestServer } from "../helpers/context";
import { codeOf } from "../helpers/rpc-errors";

describe("oversized requests", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const huge = { config: { name: "huge", modelDefinition: "x".repeat(20 * 1024 ** 2), datasetUri: "dataset:mnist-digits" } };

  it("refuses a message over the limit with RESOURCE_EXHAUSTED over Connect, storing nothing", async () => {
    const clients = connectClients(server.rpcUrl);
    const before = (await clients.jobs.listJobs({})).jobs.length;
    const error = await clients.jobs.submitJob(huge).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.ResourceExhausted });
    expect((await clients.jobs.listJobs({})).jobs.length).toBe(before);
  });

  // Over HTTP/2, Node's session limits reset the stream before the RPC layer reads the message:
  // the call fails (INTERNAL on the client) and nothing is stored.
  it("refuses it over gRPC too, storing nothing", async () => {
    const before = (await connectClients(server.rpcUrl).jobs.listJobs({})).jobs.length;
    expect(await codeOf(grpcClients(server.rpcUrl).jobs.submitJob(huge))).toBeDefined();
    expect((await connectClients(server.rpcUrl).jobs.listJobs({})).jobs.length).toBe(before);
  });
});
