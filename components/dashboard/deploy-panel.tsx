"use client";

import { ConnectError } from "@connectrpc/connect";
import { useCallback, useEffect, useState } from "react";
import { DeploymentStatus, type Deployment } from "../../gen/cyxwiz/v1/deployment_service_pb";
import type { Api } from "../api/clients";
import { jobTokens } from "../api/job-tokens";

const STATUS: Record<DeploymentStatus, string> = {
  [DeploymentStatus.UNSPECIFIED]: "unknown",
  [DeploymentStatus.PENDING]: "loading on a node…",
  [DeploymentStatus.READY]: "serving",
  [DeploymentStatus.FAILED]: "failed",
};

/** Serving a completed job's model: deploy it to a node, then call it through the OpenAI-compatible API. */
export function DeployPanel({ api, jobId }: { api: Api; jobId: string }) {
  const [deployments, setDeployments] = useState<Deployment[]>([]);
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const { deployments: all } = await api.deployments.listDeployments({}, jobTokens(api).optionsFor([jobId]));
    setDeployments(all.filter((d) => d.jobId === jobId));
  }, [api, jobId]);

  useEffect(() => {
    void refresh().catch(() => undefined);
  }, [refresh]);

  // While a deployment loads, look again every two seconds.
  const loading = deployments.some((d) => d.status === DeploymentStatus.PENDING);
  useEffect(() => {
    if (!loading) return;
    const timer = setInterval(() => void refresh().catch(() => undefined), 2000);
    return () => clearInterval(timer);
  }, [loading, refresh]);

  const deploy = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.deployments.createDeployment({ jobId, name: name.trim() }, jobTokens(api).optionsFor([jobId]));
      setName("");
      await refresh();
    } catch (e) {
      setError(e instanceof ConnectError ? e.rawMessage : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="deploy-heading">
      <h2 id="deploy-heading" style={{ margin: 0 }}>
        Serve this model
      </h2>
      <p className="muted" style={{ margin: 0 }}>
        A compute node loads the model and answers requests through the OpenAI-compatible API at <code>{api.serverUrl}/v1</code> (an API key is required).
      </p>
      <div className="row">
        <label className="field" style={{ flex: 1 }}>
          <span>Model name (optional)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. my-digits" maxLength={64} />
        </label>
        <button type="button" className="button primary" onClick={() => void deploy()} disabled={busy} data-testid="deploy-model">
          {busy ? "Deploying…" : "Deploy to a node"}
        </button>
      </div>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {deployments.map((d) => (
        <div key={d.deploymentId} className="stack" data-testid="deployment" data-status={DeploymentStatus[d.status]}>
          <div className="row spread">
            <strong className="mono">{d.name}</strong>
            <span role="status">
              {STATUS[d.status]}
              {d.error ? `: ${d.error}` : ""}
            </span>
          </div>
          <pre className="mono" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
            {usageExample(api.serverUrl, d)}
          </pre>
        </div>
      ))}
    </section>
  );
}

function usageExample(serverUrl: string, d: Deployment): string {
  const auth = `-H "Authorization: Bearer $CYXWIZ_API_KEY" -H "Content-Type: application/json"`;
  if (d.kind === "text") {
    return `curl ${serverUrl}/v1/chat/completions ${auth} \\\n  -d '{"model":"${d.name}","messages":[{"role":"user","content":"the cat"}],"max_tokens":40}'`;
  }
  return `curl ${serverUrl}/v1/predict ${auth} \\\n  -d '{"model":"${d.name}","inputs":[ /* samples */ ]}'   # or "csv": "rows,of,numbers"`;
}
