import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { NodeService, RegisterNodeResponseSchema } from "../../gen/cyxwiz/v1/node_service_pb";
import { SessionRefused } from "./artifacts-client";
import { isSessionError, NodeSession } from "./node-session";

/**
 * A session against an in-process server whose heartbeats refuse the tokens in `expired` (as
 * unauthenticated unless told otherwise); each registration hands out the next token (t1, t2, …).
 */
function session(options: { expired?: Set<string>; refusal?: Code; heartbeatIntervalSeconds?: number } = {}) {
  const seen: string[] = [];
  const events: string[] = [];
  let registrations = 0;
  const subject = new NodeSession({
    transport: (interceptors) =>
      createRouterTransport(
        (router) =>
          router.service(NodeService, {
            heartbeat(_, context) {
              const token = (context.requestHeader.get("authorization") ?? "").replace("Bearer ", "");
              seen.push(token);
              if (options.expired?.has(token)) throw new ConnectError("session refused", options.refusal ?? Code.Unauthenticated);
              return {};
            },
          }),
        { transport: { interceptors } },
      ),
    register: async () => {
      registrations++;
      events.push("register");
      return create(RegisterNodeResponseSchema, { nodeId: "n1", sessionToken: `t${registrations}`, heartbeatIntervalSeconds: options.heartbeatIntervalSeconds ?? 3 });
    },
    onRegistered: (response) => events.push(`registered ${response.sessionToken}`),
    onExpired: () => events.push("expired"),
  });
  return { subject, seen, events, registrations: () => registrations };
}

describe("NodeSession", () => {
  it("carries the session token on every call once registered", async () => {
    const { subject, seen } = session();
    await subject.register();
    await subject.client.heartbeat({ nodeId: "n1" });
    await subject.client.heartbeat({ nodeId: "n1" });
    expect(seen).toEqual(["t1", "t1"]);
  });

  it("tells the node it registered only once the new token is in place", async () => {
    let tokenWhenTold = "";
    const subject: NodeSession = new NodeSession({
      transport: (interceptors) => createRouterTransport(() => undefined, { transport: { interceptors } }),
      register: async () => create(RegisterNodeResponseSchema, { nodeId: "n1", sessionToken: "t1" }),
      onRegistered: () => (tokenWhenTold = subject.token),
    });
    await subject.register();
    expect(tokenWhenTold).toBe("t1");
  });

  it("heartbeats as often as the server asks, every 10 s when it does not say", async () => {
    const asked = session({ heartbeatIntervalSeconds: 3 });
    await asked.subject.register();
    expect(asked.subject.heartbeatSeconds).toBe(3);
    const unsaid = session({ heartbeatIntervalSeconds: 0 });
    await unsaid.subject.register();
    expect(unsaid.subject.heartbeatSeconds).toBe(10);
  });

  it("registers again when a call is refused as unauthenticated and sends it once more with the new token", async () => {
    const { subject, seen, events } = session({ expired: new Set(["t1"]) });
    await subject.register();
    await subject.client.heartbeat({ nodeId: "n1" });
    expect(seen).toEqual(["t1", "t2"]);
    expect(events).toEqual(["register", "registered t1", "expired", "register", "registered t2"]);
  });

  it("registers once for all the calls refused on the same session", async () => {
    const { subject, seen, registrations } = session({ expired: new Set(["t1"]) });
    await subject.register();
    await Promise.all([subject.client.heartbeat({ nodeId: "n1" }), subject.client.heartbeat({ nodeId: "n1" }), subject.client.heartbeat({ nodeId: "n1" })]);
    expect(registrations()).toBe(2);
    expect(seen.filter((t) => t === "t2")).toHaveLength(3);
  });

  it("passes on a call refused for another reason than an expired session, without registering again", async () => {
    const { subject, registrations } = session({ expired: new Set(["t1"]), refusal: Code.PermissionDenied });
    await subject.register();
    await expect(subject.client.heartbeat({ nodeId: "n1" })).rejects.toMatchObject({ code: Code.PermissionDenied });
    expect(registrations()).toBe(1);
  });

  it("sends a call without a token before registering, and does not register on its refusal", async () => {
    const { subject, seen, registrations } = session({ expired: new Set([""]) });
    await expect(subject.client.heartbeat({ nodeId: "n1" })).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect([seen, registrations()]).toEqual([[""], 0]);
  });

  it("passes on an upload's failure other than a refused session, without registering again", async () => {
    const { subject, registrations } = session();
    await subject.register();
    const failed = new Error("artifact upload failed: HTTP 413");
    await expect(subject.withSession(() => Promise.reject(failed))).rejects.toBe(failed);
    expect(registrations()).toBe(1);
  });

  it("sends an upload the server refused once more, with the token of a new registration", async () => {
    const { subject } = session();
    await subject.register();
    const tokens: string[] = [];
    const stored = await subject.withSession(async (token) => {
      tokens.push(token);
      if (token === "t1") throw new SessionRefused("artifact upload refused");
      return "stored";
    });
    expect([stored, tokens]).toEqual(["stored", ["t1", "t2"]]);
  });

  it("does not register again for a refusal of a session already renewed", async () => {
    const { subject, registrations } = session();
    await subject.register();
    await subject.register();
    await subject.renew("t1");
    expect([subject.token, registrations()]).toEqual(["t2", 2]);
  });

  it("forgets its token: later calls carry none", async () => {
    const { subject, seen } = session();
    await subject.register();
    subject.forget();
    await subject.client.heartbeat({ nodeId: "n1" });
    expect([subject.token, seen]).toEqual(["", [""]]);
  });
});

describe("isSessionError", () => {
  it.each([Code.Unauthenticated, Code.PermissionDenied, Code.NotFound])("takes %s as the server no longer knowing the session", (code) => {
    expect(isSessionError(new ConnectError("refused", code))).toBe(true);
  });

  it.each([Code.Unavailable, Code.Internal])("takes %s as the server being unwell, not the session", (code) => {
    expect(isSessionError(new ConnectError("down", code))).toBe(false);
  });

  it("takes an error outside RPC as no session error", () => {
    expect(isSessionError(new Error("fetch failed"))).toBe(false);
  });
});
