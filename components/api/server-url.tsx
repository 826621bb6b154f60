"use client";

import { createContext, useContext, useMemo, type ReactNode } from "react";
import { createApi, type Api } from "./clients";

const ServerUrlContext = createContext<string | undefined>(undefined);

/**
 * The central server's address, fixed by the deployment (CYXWIZ_PUBLIC_SERVER_URL) or, by
 * default, this page's host on port 50051, so that opening the Engine from another machine
 * still reaches the server beside it.
 */
export function ServerUrlProvider({ url, children }: { url?: string; children: ReactNode }) {
  return <ServerUrlContext.Provider value={url}>{children}</ServerUrlContext.Provider>;
}

export function resolveServerUrl(configured: string | undefined): string {
  if (configured) return configured.replace(/\/$/, "");
  if (typeof window === "undefined") return "http://localhost:50051";
  return `${window.location.protocol}//${window.location.hostname}:50051`;
}

export function useServerUrl(override?: string | null): string {
  const configured = useContext(ServerUrlContext);
  return resolveServerUrl(override || configured);
}

export function useApi(): Api {
  const url = useServerUrl();
  return useMemo(() => createApi(url), [url]);
}
