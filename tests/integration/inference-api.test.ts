import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthService } from "../../gen/cyxwiz/v1/auth_service_pb";
import { DeploymentService, DeploymentStatus } from "../../gen/cyxwiz/v1/deployment_service_pb";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import { JobService } from "../../gen/cyxwiz/v1/job_service_pb";
import type { NodeAgent } from "../../lib/compute/agent";
import { charGruStories } from "../../lib/graph/templates/sequence-classifiers";
import { startInferenceEndpoint } from "../../worker/inference-endpoint";
import { startAgent } from "../helpers/agent";
import { bearer } from "../helpers/clients";
import { startTestServer } from "../helpers/context";
import { waitFor } from "../helpers/wait";

/**
 * The seed's OpenAI-compatible API, end to end: a character-level GRU trained on the platform,
 * deployed to a node, and used through the official openai client with baseURL pointed at the
 * gateway — unmodified.
 */
describe("the inference API through the official openai client", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let agent: NodeAgent;
  let openai: OpenAI;
  let apiKey: string;
  let accessToken: string;
  const MODEL = "tiny-stories-gru";
  const rpc = (credential: string) => createConnectTransport({ baseUrl: server.rpcUrl, httpVersion: "1.1", interceptors: [bearer(() => credential)] });

  beforeAll(async () => {
    server = await startTestServer({ heartbeatSeconds: 2 });
    agent = await startAgent(server.rpcUrl);
    const session = (await createClient(AuthService, rpc("")).signUp({ email: "writer@example.com", password: "a long enough password" })).session;
    accessToken = session?.accessToken as string;
    apiKey = (await createClient(AuthService, rpc(accessToken)).createApiKey({ name: "tests", rateLimitPerMinute: 1000 })).apiKey;
    const jobs = createClient(JobService, rpc(accessToken));
    const { job } = await jobs.submitJob({
      config: {
        name: "stories",
        modelDefinition: JSON.stringify(charGruStories.graph),
        datasetUri: "dataset:tiny-stories",
        hyperparameters: { ...charGruStories.hyperparameters, epochs: 1, validationSplit: 0.1 },
      },
    });
    await waitFor(async () => (await jobs.getJob({ jobId: job?.id })).job?.status === JobStatus.COMPLETED, 170_000);
    const deployments = createClient(DeploymentService, rpc(accessToken));
    const { deployment } = await deployments.createDeployment({ jobId: job?.id, name: MODEL });
    await waitFor(async () => (await deployments.listDeployments({})).deployments.find((d) => d.deploymentId === deployment?.deploymentId)?.status === DeploymentStatus.READY, 60_000);
    openai = new OpenAI({ apiKey, baseURL: `${server.httpUrl}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await agent?.stop();
    await server?.close();
  });

  it("lists the deployed model", async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain(MODEL);
  });

  it("completes a prompt, with usage in characters", async () => {
    const completion = await openai.completions.create({ model: MODEL, prompt: "the cat ", max_tokens: 20, temperature: 0 });
    expect(completion.choices[0]?.text).toHaveLength(20);
    expect(completion.choices[0]?.text).toMatch(/^[ .a-z]+$/);
    expect(completion.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 20, total_tokens: 28 });
  });

  it("answers a chat, streamed as server-sent events", async () => {
    const stream = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "the old fox" }], max_tokens: 15, temperature: 0.5, seed: 3, stream: true });
    const pieces: string[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta.content ?? "");
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(pieces.join("")).toHaveLength(15);
    expect(pieces.filter(Boolean).length).toBeGreaterThan(1);
    expect(finish).toBe("length");
  });

  it("answers a chat in one response too", async () => {
    const chat = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "a dog" }], max_tokens: 8, temperature: 0 });
    expect(chat.choices[0]?.message).toMatchObject({ role: "assistant" });
    expect(chat.choices[0]?.message.content).toHaveLength(8);
  });

  it("embeds texts with the model's own representation", async () => {
    const embeddings = await openai.embeddings.create({ model: MODEL, input: ["the cat", "a small bird"] });
    expect(embeddings.data.map((e) => e.embedding.length)).toEqual([48, 48]);
    expect(embeddings.usage.prompt_tokens).toBe(19);
  });

  it("gives embeddings as plain floats when asked", async () => {
    const response = await fetch(`${server.httpUrl}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, input: "the cat", encoding_format: "float" }),
    });
    const body = (await response.json()) as { data: { embedding: number[] }[] };
    expect(body.data[0]?.embedding).toHaveLength(48);
    expect(body.data[0]?.embedding.every((v) => typeof v === "number")).toBe(true);
  });

  it("predicts the next character over plain HTTP", async () => {
    const response = await fetch(`${server.httpUrl}/v1/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, inputs: ["the cat sees a red bal"] }),
    });
    const body = (await response.json()) as { labels: string[]; outputs: number[][] };
    expect(response.status).toBe(200);
    expect(body.outputs[0]).toHaveLength(25);
    expect(body.labels).toHaveLength(1);
  });

  it("answers the same through a headless host's own API port, streaming included", async () => {
    const host = await startInferenceEndpoint({ port: 0, host: "127.0.0.1", serverUrl: server.rpcUrl });
    try {
      const viaHost = new OpenAI({ apiKey, baseURL: `${host.url}/v1`, maxRetries: 0 });
      expect((await viaHost.models.list()).data.map((m) => m.id)).toContain(MODEL);
      const stream = await viaHost.completions.create({ model: MODEL, prompt: "a dog ", max_tokens: 10, temperature: 0, stream: true });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
      expect(text).toHaveLength(10);
    } finally {
      await host.close();
    }
  });

  it("refuses a call without a valid API key", async () => {
    const stranger = new OpenAI({ apiKey: "cwk_not-a-key", baseURL: `${server.httpUrl}/v1`, maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("answers 404 for a model nobody deployed, naming the field", async () => {
    const error = await openai.completions.create({ model: "no-such-model", prompt: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).param).toBe("model");
  });

  it("answers 400 naming the parameter that is out of range", async () => {
    const error = await openai.completions.create({ model: MODEL, prompt: "x", max_tokens: 100_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("max_tokens");
  });

  it("holds a key to its rate limit", async () => {
    const { apiKey: limited } = await createClient(AuthService, rpc(accessToken)).createApiKey({ name: "limited", rateLimitPerMinute: 2 });
    const client = new OpenAI({ apiKey: limited, baseURL: `${server.httpUrl}/v1`, maxRetries: 0 });
    await client.models.list();
    await client.models.list();
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("counts each key's requests and tokens", async () => {
    const { keys } = await createClient(AuthService, rpc(accessToken)).listApiKeys({});
    const tests = keys.find((k) => k.name === "tests");
    expect(Number(tests?.requests)).toBeGreaterThanOrEqual(5);
    expect(Number(tests?.tokens)).toBeGreaterThanOrEqual(28 + 19);
  });
});
