"use client";

import { ConnectError } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { GraphSummary } from "../../gen/cyxwiz/v1/graph_service_pb";
import { JobStatus, type Job } from "../../gen/cyxwiz/v1/job_pb";
import { pointAtDataset } from "../../lib/editor/commands";
import { jobTokens } from "../api/job-tokens";
import { downloadModel } from "../api/model-download";
import { useApi } from "../api/server-url";
import type { DatasetCatalog } from "../api/use-datasets";
import { useEditor } from "../editor/editor-store";
import { listFromServer, openFromServer } from "../editor/server-graphs";
import { formatCount } from "../editor/use-analysis";

const when = (date: Date | undefined) => (date ? date.toLocaleString() : "–");

/** What the project holds on the server: saved graphs, datasets, and the models trained by finished jobs. */
export function AssetsPanel({ catalog }: { catalog: DatasetCatalog }) {
  const api = useApi();
  const [graphs, setGraphs] = useState<GraphSummary[]>();
  const [models, setModels] = useState<Job[]>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  const saved = useEditor((s) => s.server?.revision);

  useEffect(() => {
    let live = true;
    Promise.all([listFromServer(api), api.jobs.listJobs({ statuses: [JobStatus.COMPLETED], pageSize: 100 }, jobTokens(api).optionsForAll())]).then(
      ([g, j]) => {
        if (!live) return;
        setGraphs(g);
        setModels(j.jobs.filter((job) => job.modelWeightsSha256));
        setError(undefined);
      },
      (e: unknown) => live && setError(ConnectError.from(e).rawMessage),
    );
    return () => {
      live = false;
    };
  }, [api, version, saved]);

  const refresh = () => {
    setVersion((v) => v + 1);
    catalog.reload();
  };

  return (
    <div className="assets-panel">
      <div className="row">
        <span className="spacer" />
        <button type="button" className="button small" onClick={refresh}>
          Refresh
        </button>
      </div>
      {error && <p className="notice error small">{error}</p>}
      <details open>
        <summary>Graphs ({graphs?.length ?? "…"})</summary>
        <ul className="asset-list" aria-label="Saved graphs">
          {graphs?.map((g) => (
            <li key={g.graphId}>
              <button type="button" className="asset-open" onClick={() => void openFromServer(api, g.graphId)} title={`Open ${g.name} (revision ${g.revision})`}>
                {g.name}
              </button>
              <span className="muted small">
                rev {g.revision} · {formatCount(Number(g.totalParams))} params · {when(g.updatedAt && timestampDate(g.updatedAt))}
              </span>
            </li>
          ))}
          {graphs?.length === 0 && <li className="muted small">Nothing saved yet (Save, Ctrl+S).</li>}
        </ul>
      </details>
      <details open>
        <summary>Datasets ({catalog.datasets?.length ?? "…"})</summary>
        <ul className="asset-list" aria-label="Datasets">
          {catalog.datasets?.map((d) => (
            <li key={d.name}>
              <button type="button" className="asset-open" onClick={() => useEditor.getState().apply((doc) => pointAtDataset(doc, d.name))} title={`Train the model on ${d.name}`}>
                {d.name}
              </button>
              <span className="muted small">
                {d.spec.count.toLocaleString("en-US")} × [{d.spec.features.shape.join(", ")}] · {d.spec.task}
                {d.builtin ? " · built-in" : ""} ·{" "}
                <a href={new URL(`/api/v1/datasets/${d.name}/file`, api.serverUrl).toString()} download>
                  download
                </a>
              </span>
            </li>
          ))}
        </ul>
      </details>
      <details open>
        <summary>Trained models ({models?.length ?? "…"})</summary>
        <ul className="asset-list" aria-label="Trained models">
          {models?.map((job) => (
            <li key={job.id}>
              <button
                type="button"
                className="asset-open"
                onClick={() => void downloadModel(api, job.id).catch((error: Error) => setError(error.message))}
                title="Download the model (tfjs model.json + weights)"
              >
                {job.name || job.id.slice(0, 8)}
              </button>
              <span className="muted small">
                {Object.entries(job.finalMetrics)
                  .filter(([k]) => k.includes("accuracy") || k === "loss")
                  .map(([k, v]) => `${k} ${v.toFixed(3)}`)
                  .join(" · ")}{" "}
                · <Link href={`/jobs/${job.id}`}>job</Link>
              </span>
            </li>
          ))}
          {models?.length === 0 && <li className="muted small">No finished jobs yet: “Train on the network” in the Train panel.</li>}
        </ul>
      </details>
    </div>
  );
}
