"use client";

import { io, type Socket } from "socket.io-client";
import { SOCKET_EVENTS, SOCKET_PATH, type NetworkEvent } from "../../lib/wire/socket";

const shared = new Map<string, { socket: Socket; listeners: Set<(event: NetworkEvent) => void> }>();

/**
 * Calls listener with each event of the server's "network" room (nodes arriving, jobs changing
 * status), over one socket.io connection per server shared by every listener on the page.
 * Returns the unsubscribe; the socket closes with its last listener.
 */
export function onNetworkEvent(serverUrl: string, listener: (event: NetworkEvent) => void): () => void {
  let entry = shared.get(serverUrl);
  if (!entry) {
    const socket = io(serverUrl, { path: SOCKET_PATH, transports: ["websocket"] });
    const listeners = new Set<(event: NetworkEvent) => void>();
    socket.on(SOCKET_EVENTS.network, (event: NetworkEvent) => listeners.forEach((l) => l(event)));
    entry = { socket, listeners };
    shared.set(serverUrl, entry);
  }
  const { socket, listeners } = entry;
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    socket.disconnect();
    shared.delete(serverUrl);
  };
}
