import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { startTestServer } from "../helpers/context";
import { envelope, rawGrpcCall, rawGrpcWebCall } from "../helpers/raw-rpc";

/**
 * A request the server cannot decode is the caller's fault: INVALID_ARGUMENT, for every service
 * and protocol, never INTERNAL (which says the server is broken and invites a retry).
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("requests that do not decode", () => {
  // Field 1 (job_id, a string) announced with a length of 5 bytes that never come.
  const truncated = new Uint8Array([0x0a, 0x05, 0x61]);
  // Field 1 sent as a varint although it is a string (wire type 0 instead of 2).
  const wrongWireType = new Uint8Array([0x08, 0x01]);
  const garbage: Uint8Array<ArrayBuffer> = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

  it("answers garbage protobuf bytes over gRPC with INVALID_ARGUMENT", async () => {
    expect(await rawGrpcCall(server.rpcUrl, "/cyxwiz.v1.JobService/GetJob", envelope(garbage))).toMatchObject({ code: Code.InvalidArgument });
  });

  it("answers a truncated message over gRPC with INVALID_ARGUMENT", async () => {
    expect(await rawGrpcCall(server.rpcUrl, "/cyxwiz.v1.NodeService/Heartbeat", envelope(truncated))).toMatchObject({ code: Code.InvalidArgument });
  });

  it("answers a field sent with the wrong wire type with INVALID_ARGUMENT", async () => {
    expect(await rawGrpcCall(server.rpcUrl, "/cyxwiz.v1.JobService/GetJob", envelope(wrongWireType))).toMatchObject({ code: Code.InvalidArgument });
  });

  it("answers a compressed message without grpc-encoding with INVALID_ARGUMENT", async () => {
    expect(await rawGrpcCall(server.rpcUrl, "/cyxwiz.v1.JobService/GetJob", envelope(new Uint8Array([0x0a, 0x01, 0x61]), 0x01))).toMatchObject({ code: Code.InvalidArgument });
  });

  it("answers garbage on a server-streaming method with INVALID_ARGUMENT", async () => {
    expect(await rawGrpcCall(server.rpcUrl, "/cyxwiz.v1.JobService/WatchJob", envelope(garbage))).toMatchObject({ code: Code.InvalidArgument });
  });

  it("answers garbage over gRPC-web with INVALID_ARGUMENT", async () => {
    expect(await rawGrpcWebCall(server.rpcUrl, "/cyxwiz.v1.JobService/GetJob", envelope(garbage))).toMatchObject({ code: Code.InvalidArgument });
  });

  it("answers garbage over the Connect protocol in binary with 400 invalid_argument", async () => {
    const response = await fetch(`${server.rpcUrl}/cyxwiz.v1.JobService/GetJob`, { method: "POST", headers: { "content-type": "application/proto" }, body: garbage });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "invalid_argument" });
  });

  it("still decodes a well-formed request (an unknown job is NOT_FOUND)", async () => {
    const jobId = new TextEncoder().encode("00000000-0000-0000-0000-000000000000");
    expect(await rawGrpcCall(server.rpcUrl, "/cyxwiz.v1.JobService/GetJob", envelope(new Uint8Array([0x0a, jobId.length, ...jobId])))).toMatchObject({ code: Code.NotFound });
  });
});

/**
 * Connect JSON is read strictly: a field the message does not have, or an enum value by a name
 * that does not exist, is refused naming it, rather than dropped (a job queued as NORMAL when
 * the caller asked for something else).
 */
describe("JSON requests with fields or values the schema lacks", () => {
  const config = { name: "strict", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 1, batchSize: 64, learningRate: 0.001 } };
  const jobCount = () => server.context.db.prisma.job.count();
  const post = (method: string, body: unknown) => fetch(`${server.rpcUrl}/cyxwiz.v1.${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  async function refusal(method: string, body: unknown) {
    const response = await post(method, body);
    return { status: response.status, ...((await response.json()) as { code: string; message: string }) };
  }

  it("accepts a SubmitJob that names only fields of the schema", async () => {
    const before = await jobCount();
    expect((await post("JobService/SubmitJob", { config: { ...config, priority: "JOB_PRIORITY_HIGH" } })).status).toBe(200);
    expect(await jobCount()).toBe(before + 1);
  });

  it("refuses a SubmitJob with an unknown top-level field, naming it, storing nothing", async () => {
    const before = await jobCount();
    expect(await refusal("JobService/SubmitJob", { config, dryRun: true })).toMatchObject({ status: 400, code: "invalid_argument", message: expect.stringContaining('"dryRun"') as string });
    expect(await jobCount()).toBe(before);
  });

  it("refuses a SubmitJob with an unknown field inside config, naming its path, storing nothing", async () => {
    const before = await jobCount();
    expect(await refusal("JobService/SubmitJob", { config: { ...config, gpu: "a100" } })).toMatchObject({
      status: 400,
      code: "invalid_argument",
      message: expect.stringContaining('"config.gpu"') as string,
    });
    expect(await jobCount()).toBe(before);
  });

  it("refuses a SubmitJob whose priority names no JobPriority, naming the field and the values it takes, storing nothing", async () => {
    const before = await jobCount();
    const answer = await refusal("JobService/SubmitJob", { config: { ...config, priority: "URGENT" } });
    expect(answer).toMatchObject({ status: 400, code: "invalid_argument" });
    expect(answer.message).toContain('"config.priority"');
    expect(answer.message).toContain("JOB_PRIORITY_HIGH");
    expect(await jobCount()).toBe(before);
  });

  it("refuses unknown fields on every service (a heartbeat), before anything else is checked", async () => {
    expect(await refusal("NodeService/Heartbeat", { nodeId: "n", temperature: 40 })).toMatchObject({
      status: 400,
      code: "invalid_argument",
      message: expect.stringContaining('"temperature"') as string,
    });
  });
});
