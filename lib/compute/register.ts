import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { CallOptions, Client } from "@connectrpc/connect";
import { NodeInfoSchema, type NodeService, type RegisterNodeResponse } from "../../gen/cyxwiz/v1/node_service_pb";
import { registrationMessage, type NodeIdentity } from "./identity";

/**
 * Registers a node under its identity: asks for a challenge, signs it, registers with the
 * signature. `heldJobs` are the jobs this process still trains (a re-registration after the
 * session expired); any other job the server had on the node goes back to the queue.
 */
export async function registerNode(
  client: Client<typeof NodeService>,
  identity: NodeIdentity,
  info: MessageInitShape<typeof NodeInfoSchema>,
  heldJobs: string[] = [],
  options?: CallOptions,
): Promise<RegisterNodeResponse> {
  const { challenge } = await client.getRegistrationChallenge({}, options);
  const signature = await identity.sign(registrationMessage(challenge, identity.publicKey));
  return client.registerNode({ info: create(NodeInfoSchema, { ...info, publicKey: identity.publicKey }), challenge, signature, heldJobs }, options);
}
