"use client";

import { useApi } from "../api/server-url";
import { onNetworkEvent } from "../api/network-events";
import { usePoll } from "./use-poll";

interface NodeSummary {
  online: boolean;
  status: string;
}

/** "3 nodes online": the one fact that tells a user whether a submitted job will start. */
export function NetworkStatus() {
  const api = useApi();
  // Nodes arriving show at once (a socket.io event); the poll catches nodes going quiet.
  const { data, error } = usePoll(
    () => api.rest<{ nodes: NodeSummary[] }>("/api/v1/nodes"),
    5000,
    api,
    (changed) => onNetworkEvent(api.serverUrl, (e) => e.type === "node-online" && changed()),
  );
  if (error && !data) {
    return (
      <span className="badge failed" role="status" title={error}>
        server unreachable
      </span>
    );
  }
  const online = data?.nodes.filter((n) => n.online) ?? [];
  const busy = online.filter((n) => n.status === "BUSY").length;
  return (
    <span className={`badge ${online.length > 0 ? "completed" : "queued"}`} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {online.length} node{online.length === 1 ? "" : "s"} online{busy > 0 ? ` · ${busy} busy` : ""}
    </span>
  );
}
