import { randomUUID } from "node:crypto";
import type { InferenceRequest, InferenceResult } from "../../lib/inference/served-model";
import type { ServerContext } from "../context";
import { inferenceChannel, nodeChannel, type InferenceEvent, type NodeCommand } from "../events/channels";
import { AsyncQueue } from "../util/async-queue";

/** How long a relay waits for the node's answer. */
export const RELAY_TIMEOUT_MS = 60_000;
/** How long a relay waits to hear that the node's feed took the request: longer means no instance holds the node's stream. */
const DELIVERY_TIMEOUT_MS = 3_000;

/**
 * The node could not answer: it is not connected or went away before answering (`nodeGone`: another
 * node may), it failed or timed out; or the request itself was bad (`badInput`).
 */
export class RelayError extends Error {
  readonly badInput: boolean;
  readonly nodeGone: boolean;

  constructor(message: string, options: { badInput?: boolean; nodeGone?: boolean } = {}) {
    super(message);
    this.badInput = options.badInput ?? false;
    this.nodeGone = options.nodeGone ?? false;
  }
}

export type RelayChunk = { textDelta: string } | { result: InferenceResult };

/**
 * Sends an inference request to the node serving the deployment — down its assignment stream,
 * through the event bus so any instance holding the stream delivers it — and yields the node's
 * answer as it arrives (text deltas, then the result). Nodes behind NAT (browser tabs) can serve:
 * the server never connects to them. The instance holding the stream says it delivered the
 * request, and says so again when the stream closes unanswered, so a node that went away is known
 * within seconds, not at the time limit.
 */
export async function* relay(ctx: Pick<ServerContext, "bus">, nodeId: string, deploymentId: string, request: InferenceRequest, timeoutMs = RELAY_TIMEOUT_MS): AsyncGenerator<RelayChunk> {
  const requestId = randomUUID();
  const events = new AsyncQueue<InferenceEvent>();
  const unsubscribe = await ctx.bus.subscribe(inferenceChannel(requestId), (e) => events.push(e as InferenceEvent));
  const undelivered = new AbortController();
  const deliveryTimer = setTimeout(() => undelivered.abort(), DELIVERY_TIMEOUT_MS);
  try {
    await ctx.bus.publish(nodeChannel(nodeId), { type: "infer", requestId, deploymentId, requestJson: JSON.stringify(request) } satisfies NodeCommand);
    for await (const event of events.drain(AbortSignal.any([AbortSignal.timeout(timeoutMs), undelivered.signal]))) {
      clearTimeout(deliveryTimer);
      if (event.kind === "delivered") continue;
      if (event.kind === "lost") throw new RelayError(event.reason, { nodeGone: true });
      if (event.textDelta) yield { textDelta: event.textDelta };
      if (!event.done) continue;
      if (event.error) throw new RelayError(event.error, { badInput: event.badInput });
      yield { result: JSON.parse(event.resultJson) as InferenceResult };
      return;
    }
    if (undelivered.signal.aborted) throw new RelayError("the serving node is not connected", { nodeGone: true });
    throw new RelayError(`the serving node did not answer within ${Math.round(timeoutMs / 1000)} s`);
  } finally {
    clearTimeout(deliveryTimer);
    unsubscribe();
  }
}
