import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { CallOptions, Client } from "@connectrpc/connect";
import { NodeInfoSchema, type NodeService, type RegisterNodeResponse } from "../../gen/cyxwiz/v1/node_service_pb";
import { registrationMessage, walletMessage, type NodeIdentity, type NodeWallet } from "./identity";

/**
 * Registers a node under its identity: asks for a challenge, signs it, registers with the
 * signature. `heldJobs` are the jobs this process still trains (a re-registration after the
 * session expired); any other job the server had on the node goes back to the queue. With a
 * `wallet`, the wallet signs the same challenge too (the server stores no wallet it was not shown
 * proof of); without one the node takes free jobs only.
 */
export async function registerNode(
  client: Client<typeof NodeService>,
  identity: NodeIdentity,
  info: MessageInitShape<typeof NodeInfoSchema>,
  heldJobs: string[] = [],
  options?: CallOptions,
  wallet?: NodeWallet,
): Promise<RegisterNodeResponse> {
  const { challenge } = await client.getRegistrationChallenge({}, options);
  const signature = await identity.sign(registrationMessage(challenge, identity.publicKey));
  const walletSignature = wallet ? await wallet.sign(walletMessage(challenge, identity.publicKey)) : undefined;
  return client.registerNode(
    { info: create(NodeInfoSchema, { ...info, publicKey: identity.publicKey, walletAddress: wallet?.address ?? "" }), challenge, signature, heldJobs, walletSignature },
    options,
  );
}
