"use client";

import { useEffect, useState } from "react";
import type { DatasetRecord } from "../../lib/data/dataset-record";
import { useApi } from "./server-url";

export interface DatasetCatalog {
  /** Undefined until the server answers. */
  datasets?: DatasetRecord[];
  error?: string;
  reload(): void;
}

/** The server's registered datasets (held-out test sets included), fetched when a component needs them. */
export function useDatasets(): DatasetCatalog {
  const api = useApi();
  const [state, setState] = useState<{ datasets?: DatasetRecord[]; error?: string }>({});
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    api.rest<{ datasets: DatasetRecord[] }>("/api/v1/datasets").then(
      (r) => live && setState({ datasets: r.datasets }),
      (e: unknown) => live && setState({ error: `datasets unavailable: ${(e as Error).message}` }),
    );
    return () => {
      live = false;
    };
  }, [api, version]);
  return { ...state, reload: () => setVersion((v) => v + 1) };
}
