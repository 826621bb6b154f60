"use client";

import { useEffect, useId, useRef } from "react";
import type { Dataset } from "../../lib/data/dataset-format";
import { classBalance, previewRows, targetStats } from "../../lib/data/import/summary";
import { useApi } from "../api/server-url";
import type { DatasetCatalog } from "../api/use-datasets";
import { ProgressBar } from "../dashboard/status-badge";
import { splitCountsOf, useDatasetStore, type Loaded, type Task } from "./dataset-store";

/**
 * Brings data in and looks at it: server datasets, CSV/JSON tables and image folders; preview as a
 * table or image grid; the train/validation/test split; class balance; upload to the server and
 * use in the model (see dataset-store.ts).
 */
export function DatasetPanel({ catalog }: { catalog: DatasetCatalog }) {
  const api = useApi();
  const state = useDatasetStore();
  const { loaded, table, target, task, imageSize, name, split, busy, error } = state;
  const { openServer, openTable, openImages, chooseTarget, chooseTask, chooseImageSize, rename, chooseSplit, upload, applyToModel, reset } = state;
  const ids = { server: useId(), target: useId(), task: useId(), name: useId(), validation: useId(), test: useId() };
  const counts = splitCountsOf(state);

  useEffect(() => reset, [reset]);

  return (
    <div className="dataset-panel">
      <section className="dataset-sources" aria-label="Open data">
        <div className="field">
          <label htmlFor={ids.server}>Datasets on the server</label>
          <select
            id={ids.server}
            value=""
            onChange={(e) => {
              const record = catalog.datasets?.find((d) => d.name === e.target.value);
              if (record) void openServer(api, record);
            }}
          >
            <option value="">{catalog.datasets ? "Open…" : (catalog.error ?? "loading…")}</option>
            {catalog.datasets?.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name} ({d.spec.count.toLocaleString("en-US")}
                {d.builtin ? ", built-in" : ""})
              </option>
            ))}
          </select>
        </div>
        <FilePicker label="CSV or JSON table" accept=".csv,.json,text/csv,application/json" onFiles={(files) => files[0] && void openTable(files[0])} />
        <div className="field">
          <span>Image folder (one sub-folder per class)</span>
          <div className="row">
            <select
              aria-label="Image size"
              value={`${imageSize.height}x${imageSize.channels}`}
              onChange={(e) => {
                const [side, channels] = e.target.value.split("x").map(Number);
                chooseImageSize({ height: side as number, width: side as number, channels: channels === 3 ? 3 : 1 });
              }}
            >
              <option value="28x1">28×28 grey</option>
              <option value="32x3">32×32 colour</option>
              <option value="64x3">64×64 colour</option>
            </select>
            <FilePicker label="Choose folder" folder onFiles={(files) => void openImages(files)} />
          </div>
        </div>
      </section>
      {busy && <ProgressBar value={busy.progress} label={busy.label} />}
      {busy && (
        <p className="muted small" role="status">
          {busy.label}
        </p>
      )}
      {error && (
        <p className="notice error small" role="alert" data-testid="dataset-error">
          {error}
        </p>
      )}
      {table && (
        <div className="row">
          <label htmlFor={ids.target} className="small">
            Target column
          </label>
          <select id={ids.target} value={target} onChange={(e) => chooseTarget(e.target.value)}>
            {table.table.header.map((h) => (
              <option key={h}>{h}</option>
            ))}
          </select>
          <label htmlFor={ids.task} className="small">
            Task
          </label>
          <select id={ids.task} value={task} onChange={(e) => chooseTask(e.target.value as Task)}>
            <option value="auto">decide from the target</option>
            <option value="classification">classification</option>
            <option value="regression">regression</option>
          </select>
        </div>
      )}
      {loaded && <DatasetView loaded={loaded} />}
      {loaded && (
        <section className="dataset-actions" aria-label="Split and use">
          <div className="row">
            <label htmlFor={ids.validation} className="small">
              Validation {Math.round(split.validation * 100)} %
            </label>
            <input id={ids.validation} type="range" min={0} max={0.5} step={0.05} value={split.validation} onChange={(e) => chooseSplit({ ...split, validation: Number(e.target.value) })} />
            <label htmlFor={ids.test} className="small">
              Test {Math.round(split.test * 100)} %
            </label>
            <input id={ids.test} type="range" min={0} max={0.5} step={0.05} value={split.test} onChange={(e) => chooseSplit({ ...split, test: Number(e.target.value) })} />
            <span className="small mono" data-testid="split-counts">
              {typeof counts === "string" ? counts : counts && `train ${counts.train} · validation ${counts.validation} · test ${counts.test}`}
            </span>
          </div>
          <div className="row">
            {loaded.origin === "file" && (
              <>
                <label htmlFor={ids.name} className="small">
                  Name
                </label>
                <input id={ids.name} value={name} onChange={(e) => rename(e.target.value)} pattern="[a-z0-9][a-z0-9._\-]{0,63}" />
                <button type="button" className="button small primary" disabled={!!busy || !name} onClick={() => void upload(api, catalog)}>
                  Upload to the server
                </button>
              </>
            )}
            {loaded.origin === "server" && (
              <button type="button" className="button small primary" onClick={applyToModel}>
                Use “{name}” in the model
              </button>
            )}
          </div>
        </section>
      )}
    </div>
  );
}

function FilePicker({ label, accept, folder, onFiles }: { label: string; accept?: string; folder?: boolean; onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // React does not know the directory-picking attributes.
    if (folder) input.current?.setAttribute("webkitdirectory", "");
  }, [folder]);
  return (
    <label className="button small file-picker">
      {label}
      <input
        ref={input}
        type="file"
        accept={accept}
        multiple={folder}
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = "";
        }}
      />
    </label>
  );
}

/** The loaded data: its spec, a table or image grid of the first samples, and its class balance or target range. */
function DatasetView({ loaded }: { loaded: Loaded }) {
  const { dataset } = loaded;
  const { spec } = dataset;
  const images = spec.features.shape.length === 3;
  const classes = spec.task === "classification" && spec.targets.shape.length === 0 ? classBalance(dataset) : undefined;
  const stats = spec.task === "regression" ? targetStats(dataset) : undefined;
  const rows = previewRows(dataset, 20);
  const featureCount = spec.features.shape.reduce((a, b) => a * b, 1);
  const columns = loaded.columns ?? [...Array.from({ length: images ? 0 : featureCount }, (_, i) => `x${i}`), "target"];
  const label = (row: number[]) => {
    const value = row.at(-1) as number;
    return classes ? (spec.targets.classNames?.[value] ?? String(value)) : value.toFixed(4);
  };
  return (
    <section className="dataset-view" aria-label="Preview">
      <p className="small">
        <strong>{spec.name}</strong> · {spec.count.toLocaleString("en-US")} samples · features [{spec.features.shape.join(", ")}] {spec.features.dtype} · {spec.task}
        {classes ? ` · ${classes.length} classes` : ""}
      </p>
      <div className="dataset-preview">
        {images ? (
          <div className="image-grid" data-testid="image-grid">
            {Array.from({ length: Math.min(40, spec.count) }, (_, i) => (
              <figure key={i}>
                <SampleImage dataset={dataset} index={i} />
                <figcaption>{label(rows[i] ?? [0])}</figcaption>
              </figure>
            ))}
          </div>
        ) : (
          <table className="table small" data-testid="dataset-table">
            <thead>
              <tr>
                {columns.map((c, i) => (
                  <th key={i}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, r) => (
                <tr key={r}>
                  {row.slice(0, -1).map((v, i) => (
                    <td key={i} className="mono">
                      {Number.isInteger(v) ? v : v.toFixed(4)}
                    </td>
                  ))}
                  <td>{label(row)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {classes && (
          <ul className="class-balance" aria-label="Class balance" data-testid="class-balance">
            {classes.map((c) => (
              <li key={c.label}>
                <span className="class-name">{c.label}</span>
                <span className="bar" style={{ width: `${Math.max(1, c.share * 100 * 3)}px` }} aria-hidden="true" />
                <span className="mono small">
                  {c.count} ({(c.share * 100).toFixed(1)} %)
                </span>
              </li>
            ))}
          </ul>
        )}
        {stats && (
          <dl className="facts">
            <dt>target min</dt>
            <dd>{stats.min.toFixed(4)}</dd>
            <dt>max</dt>
            <dd>{stats.max.toFixed(4)}</dd>
            <dt>mean</dt>
            <dd>{stats.mean.toFixed(4)}</dd>
            <dt>std</dt>
            <dd>{stats.std.toFixed(4)}</dd>
          </dl>
        )}
      </div>
    </section>
  );
}

/** One image sample drawn at twice its size. */
function SampleImage({ dataset, index }: { dataset: Dataset; index: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [height, width, channels] = dataset.spec.features.shape as [number, number, number];
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const pixels = new ImageData(width, height);
    const scale = dataset.spec.features.scale === 1 && dataset.spec.features.dtype === "float32" ? 255 : 1;
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) pixels.data[p * 4 + c] = (dataset.features[(index * width * height + p) * channels + (channels === 3 ? c : 0)] as number) * scale;
      pixels.data[p * 4 + 3] = 255;
    }
    context.putImageData(pixels, 0, 0);
  }, [dataset, index, width, height, channels]);
  return <canvas ref={canvas} width={width} height={height} style={{ width: width * 2, height: height * 2, imageRendering: "pixelated" }} />;
}
