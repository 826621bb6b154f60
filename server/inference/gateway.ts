import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { InferenceRequest, InferenceResult } from "../../lib/inference/served-model";
import { credentialsFrom } from "../auth/credentials";
import type { ServerContext } from "../context";
import { json, readBody, type HttpRequest, type HttpResult, type Router } from "../http/router";
import type { ApiKeyRow } from "../users/user-store";
import { BadRequest, chatChunk, chatObject, chatRequest, completionObject, completionRequest, embeddingRequest, errorBody, modelOf, predictRequest, usage } from "./openai";
import { RelayError, type RelayChunk } from "./relay";
import { serveRequest, UnavailableError } from "./placement-actions";

const MAX_BODY = 4 * 1024 ** 2;

const failure = (status: number, message: string, type: string, code: string | null, param: string | null = null): HttpResult => ({
  status,
  body: errorBody(message, type, code, param),
});

/** When a client told no node can serve its model should ask again: about the time a node takes to load one. */
const RETRY_AFTER_SECONDS = 5;

const relayFailure = (error: RelayError): HttpResult => (error.badInput ? failure(400, error.message, "invalid_request_error", null) : failure(502, error.message, "server_error", "node_error"));

/** The same chunks, the first already read (so that its failure is known before anything is answered). */
async function primed<T>(chunks: AsyncGenerator<T>): Promise<AsyncGenerator<T>> {
  const first = await chunks.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* chunks;
  })();
}

/**
 * The inference gateway, in OpenAI's format (the official client works with baseURL pointed
 * here): GET /v1/models, POST /v1/predict, /v1/completions, /v1/chat/completions (SSE with
 * stream: true), /v1/embeddings. Every call needs an API key; each key has a rate limit and its
 * requests and tokens are counted. Requests travel to the node serving the model (relay.ts).
 */
export function addInferenceRoutes(ctx: ServerContext, router: Router): void {
  /** The caller's API key, or the HTTP answer refusing the call. */
  const authorize = async (req: HttpRequest): Promise<ApiKeyRow | HttpResult> => {
    const header = req.headers.authorization;
    const who = await credentialsFrom(ctx, header)
      .user()
      .catch(() => undefined);
    if (!who?.apiKey) return failure(401, 'an API key is required: send "Authorization: Bearer cwk_…" (create one with AuthService.CreateApiKey)', "invalid_request_error", "invalid_api_key");
    const taken = await ctx.rateLimiter.take(who.apiKey.id, who.apiKey.rateLimitPerMinute);
    if (!taken.ok) {
      return {
        ...failure(429, `rate limit of ${who.apiKey.rateLimitPerMinute} requests a minute reached for this key`, "rate_limit_exceeded", "rate_limit_exceeded"),
        headers: { "retry-after": String(taken.retryAfterSeconds) },
      };
    }
    return who.apiKey;
  };

  const bodyOf = async (req: HttpRequest): Promise<Record<string, unknown>> => {
    const bytes = await readBody(req.body, MAX_BODY);
    if (!bytes) throw new BadRequest("body", `must be at most ${MAX_BODY / 1024 ** 2} MB`);
    try {
      const parsed = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      return parsed as Record<string, unknown>;
    } catch {
      throw new BadRequest("body", "must be a JSON object");
    }
  };

  /** Runs one inference call: authorize, parse, find the serving node, relay, answer. */
  const endpoint =
    (
      answer: (model: string, request: InferenceRequest, chunks: AsyncGenerator<RelayChunk>, body: Record<string, unknown>, key: ApiKeyRow) => Promise<HttpResult>,
      parse: (body: Record<string, unknown>) => InferenceRequest,
    ) =>
    async (req: HttpRequest): Promise<HttpResult> => {
      const key = await authorize(req);
      if ("status" in key) return key;
      let body: Record<string, unknown>;
      let model: string;
      let request: InferenceRequest;
      try {
        body = await bodyOf(req);
        model = modelOf(body);
        request = parse(body);
      } catch (error) {
        if (error instanceof BadRequest) return failure(400, error.message, "invalid_request_error", null, error.param);
        throw error;
      }
      const deployment = await ctx.deployments.callableByName(model, key.userId);
      if (!deployment) return failure(404, `model: no deployment named ${model}`, "invalid_request_error", "model_not_found", "model");
      let chunks: AsyncGenerator<RelayChunk>;
      try {
        // The first part of the answer decides the status line, before a stream's headers go out.
        chunks = await primed(serveRequest(ctx, deployment.id, request));
      } catch (error) {
        if (error instanceof UnavailableError) {
          return { ...failure(503, `model ${model}: ${error.message}`, "server_error", "model_unavailable"), headers: { "retry-after": String(RETRY_AFTER_SECONDS) } };
        }
        if (error instanceof RelayError) return relayFailure(error);
        throw error;
      }
      return answer(model, request, chunks, body, key);
    };

  /** Drains the relay to its result (non-streaming answers); node errors become HTTP errors. */
  const resultOf = async (chunks: AsyncGenerator<RelayChunk>): Promise<InferenceResult | HttpResult> => {
    try {
      for await (const chunk of chunks) if ("result" in chunk) return chunk.result;
      return failure(502, "the serving node gave no result", "server_error", "node_error");
    } catch (error) {
      if (error instanceof RelayError) return relayFailure(error);
      throw error;
    }
  };

  const count = (key: ApiKeyRow, tokens: number) => ctx.users.countUsage(key.id, tokens);

  router.add("GET", "/v1/models", async (req) => {
    const key = await authorize(req);
    if ("status" in key) return key;
    const rows = await ctx.deployments.callableBy(key.userId);
    return json({
      object: "list",
      // "you" or "anyone": who made a model is not for other callers to learn.
      data: rows.filter((d) => d.status !== "FAILED").map((d) => ({ id: d.name, object: "model", created: Math.floor(d.createdAt.getTime() / 1000), owned_by: d.userId ? "you" : "anyone" })),
    });
  });

  router.add(
    "POST",
    "/v1/predict",
    endpoint(async (model, _request, chunks, _body, key) => {
      const result = await resultOf(chunks);
      if ("status" in result) return result;
      if (result.kind !== "predict") return failure(502, "unexpected answer from the node", "server_error", "node_error");
      await count(key, result.outputs.length);
      return json({ object: "prediction", model, outputs: result.outputs, ...(result.labels ? { labels: result.labels } : {}) });
    }, predictRequest),
  );

  router.add(
    "POST",
    "/v1/embeddings",
    endpoint(async (model, _request, chunks, body, key) => {
      const result = await resultOf(chunks);
      if ("status" in result) return result;
      if (result.kind !== "embed") return failure(502, "unexpected answer from the node", "server_error", "node_error");
      await count(key, result.tokens);
      // OpenAI's clients ask for base64 (little-endian float32) unless told otherwise.
      const encode = (e: number[]) => (body.encoding_format === "base64" ? Buffer.from(Float32Array.from(e).buffer).toString("base64") : e);
      return json({
        object: "list",
        model,
        data: result.embeddings.map((embedding, index) => ({ object: "embedding", index, embedding: encode(embedding) })),
        usage: { prompt_tokens: result.tokens, total_tokens: result.tokens },
      });
    }, embeddingRequest),
  );

  const generate = (chat: boolean) =>
    endpoint(
      async (model, _request, chunks, body, key) => {
        const id = `${chat ? "chatcmpl" : "cmpl"}-${randomUUID()}`;
        const created = Math.floor(Date.now() / 1000);
        if (body.stream === true)
          return { status: 200, headers: { "content-type": "text/event-stream", "cache-control": "no-cache" }, body: Readable.from(stream(id, created, model, chat, chunks, key)) };
        const result = await resultOf(chunks);
        if ("status" in result) return result;
        if (result.kind !== "complete") return failure(502, "unexpected answer from the node", "server_error", "node_error");
        const tokens = usage(result.promptTokens, result.completionTokens);
        await count(key, tokens.total_tokens);
        return json(chat ? chatObject(id, model, created, result.text, result.finishReason, tokens) : completionObject(id, model, created, result.text, result.finishReason, tokens));
      },
      chat ? chatRequest : completionRequest,
    );

  /** Server-sent events as OpenAI streams them: a chunk per piece of text, the finish, then [DONE]. */
  async function* stream(id: string, created: number, model: string, chat: boolean, chunks: AsyncGenerator<RelayChunk>, key: ApiKeyRow): AsyncGenerator<string> {
    const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
    if (chat) yield event(chatChunk(id, model, created, { role: "assistant", content: "" }, null));
    try {
      for await (const chunk of chunks) {
        if ("textDelta" in chunk) {
          yield event(chat ? chatChunk(id, model, created, { content: chunk.textDelta }, null) : completionObject(id, model, created, chunk.textDelta, null));
        } else if (chunk.result.kind === "complete") {
          const { finishReason, promptTokens, completionTokens } = chunk.result;
          await count(key, promptTokens + completionTokens);
          yield event(chat ? chatChunk(id, model, created, {}, finishReason) : completionObject(id, model, created, "", finishReason));
        }
      }
    } catch (error) {
      if (!(error instanceof RelayError)) throw error;
      yield event(errorBody(error.message, error.badInput ? "invalid_request_error" : "server_error", error.badInput ? null : "node_error"));
    }
    yield "data: [DONE]\n\n";
  }

  router.add("POST", "/v1/completions", generate(false));
  router.add("POST", "/v1/chat/completions", generate(true));
}
