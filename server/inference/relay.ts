import { randomUUID } from "node:crypto";
import type { InferenceRequest, InferenceResult } from "../../lib/inference/served-model";
import type { ServerContext } from "../context";
import { inferenceChannel, nodeChannel, type InferenceEvent, type NodeCommand } from "../events/channels";
import { AsyncQueue } from "../util/async-queue";

/** The node could not answer (gone, timed out, or failed); or the request itself was bad. */
export class RelayError extends Error {
  constructor(
    message: string,
    readonly badInput = false,
  ) {
    super(message);
  }
}

export type RelayChunk = { textDelta: string } | { result: InferenceResult };

/**
 * Sends an inference request to the node serving the deployment — down its assignment stream,
 * through the event bus so any instance holding the stream delivers it — and yields the node's
 * answer as it arrives (text deltas, then the result). Nodes behind NAT (browser tabs) can serve:
 * the server never connects to them.
 */
export async function* relay(ctx: Pick<ServerContext, "bus">, nodeId: string, deploymentId: string, request: InferenceRequest, timeoutMs = 60_000): AsyncGenerator<RelayChunk> {
  const requestId = randomUUID();
  const events = new AsyncQueue<InferenceEvent>();
  const unsubscribe = await ctx.bus.subscribe(inferenceChannel(requestId), (e) => events.push(e as InferenceEvent));
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    await ctx.bus.publish(nodeChannel(nodeId), { type: "infer", requestId, deploymentId, requestJson: JSON.stringify(request) } satisfies NodeCommand);
    for await (const event of events.drain(timeout)) {
      if (event.textDelta) yield { textDelta: event.textDelta };
      if (!event.done) continue;
      if (event.error) throw new RelayError(event.error, event.badInput);
      yield { result: JSON.parse(event.resultJson) as InferenceResult };
      return;
    }
    throw new RelayError(`the serving node did not answer within ${Math.round(timeoutMs / 1000)} s`);
  } finally {
    unsubscribe();
  }
}
