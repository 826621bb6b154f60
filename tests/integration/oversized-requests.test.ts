import { ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClients, grpcClients } from "../helpers/clients";
import { startTestServer } from "../helpers/context";

/**
 * A request over the 16 MB message limit is refused and changes nothing. The server answers
 * RESOURCE_EXHAUSTED as soon as it sees the size; a client still sending may see its connection
 * reset (or, over HTTP/2, the stream reset by Node's session limits) before it reads that answer,
 * so the code a client sees depends on timing.
 */
describe("oversized requests", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const huge = { config: { name: "huge", modelDefinition: "x".repeat(20 * 1024 ** 2), datasetUri: "dataset:mnist-digits" } };
  // Counted in the database, not over the network: a reset connection may linger in the client's pool.
  const jobCount = () => server.context.db.prisma.job.count();

  it("refuses a message over the limit over Connect, storing nothing", async () => {
    const before = await jobCount();
    await expect(connectClients(server.rpcUrl).jobs.submitJob(huge)).rejects.toBeInstanceOf(ConnectError);
    expect(await jobCount()).toBe(before);
  });

  it("refuses it over gRPC too, storing nothing", async () => {
    const before = await jobCount();
    await expect(grpcClients(server.rpcUrl).jobs.submitJob(huge)).rejects.toBeInstanceOf(ConnectError);
    expect(await jobCount()).toBe(before);
  });
});
