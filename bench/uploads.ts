import { readFile } from "node:fs/promises";
import http from "node:http";
import { encodeDataset } from "../lib/data/dataset-format";
import { startServerProcess } from "../tests/helpers/server-process";
import type { Benchmark } from "./run";

const UPLOADS = 3;
const MEGABYTES = 200;
/** Values a sample: large samples keep the file's size in the arrays, not the header. */
const SAMPLE_VALUES = 1000;

const rssMb = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;

function post(url: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/octet-stream", "content-length": String(body.length) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * The server's resident memory while it takes concurrent dataset uploads (POST /api/v1/datasets,
 * streamed to disk and cut into chunks): the reference is the same server's memory at rest just
 * before. An upload held whole in memory shows as a peak of about its size per upload.
 */
export const uploadsBenchmark: Benchmark = {
  name: "uploads",
  description: `server RSS while ${UPLOADS} dataset uploads of ${MEGABYTES} MB arrive at once (against its RSS at rest just before)`,
  async run(log) {
    const count = Math.floor((MEGABYTES * 1e6) / ((SAMPLE_VALUES + 1) * 4));
    const file = encodeDataset({
      spec: { name: "rss", task: "regression", count, features: { shape: [SAMPLE_VALUES], dtype: "float32", scale: 1 }, targets: { shape: [], dtype: "float32" } },
      features: new Float32Array(count * SAMPLE_VALUES).map((_, i) => (i % 997) / 997),
      targets: new Float32Array(count).map((_, i) => i % 7),
    });
    const server = await startServerProcess();
    try {
      const pid = server.process.pid as number;
      // Let start-up (migrations, built-in datasets) settle before the reference is read.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const before = await rssMb(pid);
      let peak = before;
      const sampler = setInterval(() => void rssMb(pid).then((mb) => (peak = Math.max(peak, mb))), 50);
      const started = Date.now();
      const statuses = await Promise.all(Array.from({ length: UPLOADS }, (_, i) => post(`${server.httpUrl}/api/v1/datasets?name=rss-${i}`, file)));
      const seconds = (Date.now() - started) / 1000;
      clearInterval(sampler);
      const after = await rssMb(pid);
      log(`${UPLOADS} × ${(file.length / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s: RSS ${Math.round(before)} → peak ${Math.round(peak)} → ${Math.round(after)} MB`);
      return {
        uploads: UPLOADS,
        file_mb: +(file.length / 1e6).toFixed(1),
        statuses,
        seconds,
        rss_at_rest_mb: Math.round(before),
        rss_peak_mb: Math.round(peak),
        rss_after_mb: Math.round(after),
        peak_growth_per_upload_mb: Math.round((peak - before) / UPLOADS),
      };
    } finally {
      await server.stop();
    }
  },
};
