"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useMemo } from "react";
import type { AgentPhase, UsageLimits } from "../../lib/compute/agent";
import { useServerUrl } from "../api/server-url";
import { ProgressBar } from "../dashboard/status-badge";
import { formatBytes, formatDuration } from "../ui/format";
import { useAgent } from "./use-agent";

const PHASES: Record<AgentPhase, string> = {
  starting: "Starting",
  probing: "Measuring this device's compute backends…",
  registering: "Joining the network…",
  idle: "Ready — waiting for a job",
  downloading: "Downloading the dataset",
  training: "Training",
  uploading: "Uploading the trained model",
  reconnecting: "Server unreachable — reconnecting",
  stopped: "Stopped",
};

/** The volunteer page: consent, then this tab trains jobs for the network and shows what it does. */
export function WorkerConsole() {
  const params = useSearchParams();
  const serverUrl = useServerUrl(params.get("server"));
  const name = useMemo(() => params.get("name") || `browser-${Math.random().toString(36).slice(2, 8)}`, [params]);
  const { state, start, stop, pause, resume, setLimits, running } = useAgent(serverUrl, name);
  const autostart = params.get("autostart") === "1";

  useEffect(() => {
    if (autostart) start();
  }, [autostart, start]);

  const probe = state?.probe;
  const job = state?.job;
  return (
    <div className="stack">
      <h1>Volunteer this browser</h1>
      {!running && (
        <section className="card stack" aria-labelledby="consent">
          <h2 id="consent">Lend your device to train models</h2>
          <p style={{ margin: 0 }}>
            While this tab stays open it joins the CyxWiz network at <code>{serverUrl}</code>: it measures this device&apos;s GPU and CPU, downloads datasets, trains neural networks in a background
            thread and uploads the results. It uses your processor (and GPU where the browser offers WebGPU) and network; nothing leaves your device but the trained weights and progress reports. Close
            the tab or press Stop at any time.
          </p>
          <div className="row">
            <button type="button" className="button primary" onClick={start}>
              Start contributing
            </button>
          </div>
        </section>
      )}
      {state && (
        <>
          <section className="card stack" aria-label="Node status">
            <div className="row spread">
              <strong data-testid="worker-phase" data-phase={state.phase} data-paused={state.paused} role="status" aria-live="polite">
                {state.paused && running ? (job ? "Paused — the job waits here" : "Paused — taking no jobs") : PHASES[state.phase]}
              </strong>
              {running && (
                <div className="row">
                  <button type="button" className="button" onClick={state.paused ? resume : pause} aria-pressed={state.paused}>
                    {state.paused ? "Resume" : "Pause"}
                  </button>
                  <button type="button" className="button danger" onClick={() => void stop()} title="Stop contributing; a job in progress goes to another node">
                    Stop
                  </button>
                </div>
              )}
            </div>
            <div className="stats">
              <Stat label="Node" value={state.nodeId ? state.nodeId.slice(0, 8) : "–"} full={state.nodeId} testId="worker-node-id" />
              <Stat label="Backend" value={probe?.chosen ?? "–"} />
              <Stat label="Jobs completed" value={String(state.completedJobs)} />
              <Stat label="Compute time" value={formatDuration(state.computeSeconds)} testId="worker-compute-time" />
              <Stat
                label="Earnings"
                value="free jobs only"
                full="This tab has no wallet, so it takes free jobs only: paid jobs go to nodes that prove a wallet (npx cyxwiz worker --wallet KEYFILE)."
              />
            </div>
            {running && <UsageLimitsForm limits={state.limits} machineMemory={state.memoryTotal} onChange={setLimits} />}
            {state.lastError && <p className="notice error">{state.lastError}</p>}
          </section>

          {job && (
            <section className="card stack" aria-labelledby="current-job">
              <div className="row spread">
                <h2 id="current-job" style={{ margin: 0 }}>
                  Current job: <Link href={`/jobs/${job.id}`}>{job.name || job.id.slice(0, 8)}</Link>
                </h2>
                <span className="mono">
                  epoch {job.epoch}/{job.totalEpochs} · {Math.round(job.samplesPerSecond)} samples/s
                  {job.etaSeconds > 0 && ` · ${formatDuration(job.etaSeconds)} left`}
                  {job.memoryBytes > 0 && ` · ${formatBytes(job.memoryBytes)} in use`}
                </span>
              </div>
              <ProgressBar value={job.progress} label="Job progress" />
              <p className="mono muted" style={{ margin: 0 }}>
                {Object.entries(job.metrics)
                  .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                  .join(" · ") || "–"}
              </p>
            </section>
          )}

          {probe && (
            <section className="card" aria-labelledby="backends">
              <h2 id="backends">Compute backends on this device</h2>
              {probe.adapter && (
                <p className="muted" style={{ marginTop: 0 }}>
                  WebGPU adapter: {[probe.adapter.vendor, probe.adapter.architecture, probe.adapter.description].filter(Boolean).join(" · ") || "unnamed"}
                  {probe.adapter.isFallbackAdapter ? " (software fallback, not a real GPU)" : ""}
                </p>
              )}
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Backend</th>
                    <th scope="col">GFLOPS</th>
                    <th scope="col">Verdict</th>
                  </tr>
                </thead>
                <tbody>
                  {probe.measurements.map((m) => (
                    <tr key={m.backend} aria-current={m.selected ? "true" : undefined}>
                      <td>
                        <strong>{m.backend}</strong>
                      </td>
                      <td className="mono">{m.gflops > 0 ? m.gflops.toFixed(1) : "–"}</td>
                      <td>{m.note}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}

          <section className="card" aria-labelledby="activity">
            <h2 id="activity">Activity</h2>
            <ol className="log">
              {state.log.map((entry) => (
                <li key={entry.seq} className={entry.level}>
                  <time>{new Date(entry.time).toLocaleTimeString()}</time>
                  {entry.message}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </div>
  );
}

/** The share of time and the memory this tab lends, changeable while it runs. */
function UsageLimitsForm({ limits, machineMemory, onChange }: { limits: UsageLimits; machineMemory: number; onChange: (limits: Partial<UsageLimits>) => void }) {
  const gib = (bytes: number) => bytes / 1024 ** 3;
  return (
    <fieldset className="row" style={{ border: 0, padding: 0, margin: 0, gap: 24, flexWrap: "wrap" }}>
      <legend className="muted" style={{ fontSize: 12, marginBottom: 6 }}>
        How much of this device to lend
      </legend>
      <label className="field" style={{ minWidth: 220 }}>
        <span>
          Share of time: <strong data-testid="usage-share">{Math.round(limits.share * 100)} %</strong>
        </span>
        <input
          type="range"
          min={10}
          max={100}
          step={10}
          value={Math.round(limits.share * 100)}
          aria-valuetext={`${Math.round(limits.share * 100)} percent of the time`}
          onChange={(e) => onChange({ share: Number(e.target.value) / 100 })}
        />
      </label>
      <label className="field" style={{ minWidth: 220 }}>
        <span>
          Memory for jobs: <strong data-testid="usage-memory">{gib(limits.memoryBytes).toFixed(1)} GiB</strong> of {gib(machineMemory).toFixed(1)}
        </span>
        <input
          type="range"
          min={0.25}
          max={Math.max(0.25, gib(machineMemory))}
          step={0.25}
          value={gib(limits.memoryBytes)}
          aria-valuetext={`${gib(limits.memoryBytes).toFixed(1)} gibibytes`}
          onChange={(e) => onChange({ memoryBytes: Number(e.target.value) * 1024 ** 3 })}
        />
      </label>
    </fieldset>
  );
}

function Stat({ label, value, full, testId }: { label: string; value: string; full?: string; testId?: string }) {
  return (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value mono" style={{ fontSize: 16 }} title={full} data-testid={testId} data-value={full}>
        {value}
      </div>
    </div>
  );
}
