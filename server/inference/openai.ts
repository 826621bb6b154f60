import type { InferenceRequest } from "../../lib/inference/served-model";

/**
 * OpenAI's wire format for the inference gateway: turning request bodies into lib/inference
 * requests (naming the field at fault) and results into OpenAI's response objects. Pure.
 */

export class BadRequest extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(`${param}: ${message}`);
  }
}

type Body = Record<string, unknown>;

const MAX_TOKENS_LIMIT = 2048;

export function modelOf(body: Body): string {
  if (typeof body.model !== "string" || !body.model) throw new BadRequest("model", "required: the name of a deployment (GET /v1/models lists them)");
  return body.model;
}

function generation(body: Body, prompt: string): Extract<InferenceRequest, { kind: "complete" }> {
  const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? 16;
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
    throw new BadRequest("max_tokens", `must be an integer from 1 to ${MAX_TOKENS_LIMIT}`);
  }
  const temperature = body.temperature ?? 1;
  if (typeof temperature !== "number" || temperature < 0 || temperature > 2) throw new BadRequest("temperature", "must be a number from 0 to 2");
  const stop = body.stop === undefined || body.stop === null ? [] : typeof body.stop === "string" ? [body.stop] : body.stop;
  if (!Array.isArray(stop) || stop.length > 4 || stop.some((s) => typeof s !== "string")) throw new BadRequest("stop", "must be a string or up to 4 strings");
  const seed = body.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (typeof seed !== "number" || !Number.isInteger(seed)) throw new BadRequest("seed", "must be an integer");
  return { kind: "complete", prompt, maxTokens, temperature, seed, stop: stop as string[] };
}

export function completionRequest(body: Body): Extract<InferenceRequest, { kind: "complete" }> {
  const prompt: unknown = Array.isArray(body.prompt) && body.prompt.length === 1 ? (body.prompt as unknown[])[0] : (body.prompt ?? "");
  if (typeof prompt !== "string") throw new BadRequest("prompt", "must be a string (one prompt a request)");
  return generation(body, prompt);
}

/** A character-level model has no chat template: it continues the conversation's text. */
export function chatRequest(body: Body): Extract<InferenceRequest, { kind: "complete" }> {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw new BadRequest("messages", "must be a non-empty array of {role, content}");
  const texts = messages.map((m, i) => {
    const content = (m as { content?: unknown }).content;
    if (typeof content === "string") return content;
    if (Array.isArray(content)) return content.map((part) => ((part as { type?: string }).type === "text" ? textOf(part) : "")).join("");
    throw new BadRequest(`messages[${i}].content`, "must be a string or text parts");
  });
  return generation(body, `${texts.join(" ")} `);
}

export function embeddingRequest(body: Body): Extract<InferenceRequest, { kind: "embed" }> {
  const input = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(input) || input.length === 0 || input.some((s) => typeof s !== "string")) throw new BadRequest("input", "must be a string or an array of strings");
  if (body.encoding_format !== undefined && body.encoding_format !== "float" && body.encoding_format !== "base64") throw new BadRequest("encoding_format", 'must be "float" or "base64"');
  return { kind: "embed", inputs: input as string[] };
}

export function predictRequest(body: Body): Extract<InferenceRequest, { kind: "predict" }> {
  if (Array.isArray(body.inputs)) return { kind: "predict", inputs: body.inputs };
  if (typeof body.csv === "string") return { kind: "predict", csv: body.csv };
  throw new BadRequest("inputs", "give inputs (an array of samples) or csv (rows of numbers as text)");
}

export function usage(promptTokens: number, completionTokens: number) {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

export function completionObject(id: string, model: string, created: number, text: string, finishReason: string | null, usageBlock?: ReturnType<typeof usage>) {
  return {
    id,
    object: "text_completion",
    created,
    model,
    choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
    ...(usageBlock ? { usage: usageBlock } : {}),
  };
}

export function chatObject(id: string, model: string, created: number, content: string, finishReason: string, usageBlock: ReturnType<typeof usage>) {
  return {
    id,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage: usageBlock,
  };
}

export function chatChunk(id: string, model: string, created: number, delta: Record<string, string>, finishReason: string | null) {
  return { id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
}

export function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

/** A text part's text; anything else in it reads as no text. */
function textOf(part: unknown): string {
  const text = (part as { text?: unknown }).text;
  return typeof text === "string" ? text : "";
}
