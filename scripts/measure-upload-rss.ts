/**
 * The server's resident memory while it takes concurrent dataset uploads (POST /api/v1/datasets):
 * `node --import tsx scripts/measure-upload-rss.ts [uploads] [megabytes]` (default 3 × 200 MB).
 * A measurement to read, not a test: it prints the RSS before, the peak during and the RSS after.
 */
import { readFile } from "node:fs/promises";
import http from "node:http";
import { encodeDataset } from "../lib/data/dataset-format";
import { startServerProcess } from "../tests/helpers/server-process";

const uploads = Number(process.argv[2] ?? 3);
const megabytes = Number(process.argv[3] ?? 200);

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

const sampleValues = 1000;
const count = Math.floor((megabytes * 1e6) / ((sampleValues + 1) * 4));
const features = new Float32Array(count * sampleValues).map((_, i) => (i % 997) / 997);
const targets = new Float32Array(count).map((_, i) => i % 7);
const file = encodeDataset({
  spec: { name: "rss", task: "regression", count, features: { shape: [sampleValues], dtype: "float32", scale: 1 }, targets: { shape: [], dtype: "float32" } },
  features,
  targets,
});

const server = await startServerProcess();
try {
  const pid = server.process.pid as number;
  await new Promise((r) => setTimeout(r, 3000));
  const before = await rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => void rssMb(pid).then((mb) => (peak = Math.max(peak, mb))), 50);
  const started = Date.now();
  const statuses = await Promise.all(Array.from({ length: uploads }, (_, i) => post(`${server.httpUrl}/api/v1/datasets?name=rss-${i}`, file)));
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const after = await rssMb(pid);
  console.log(JSON.stringify({ uploads, fileMb: +(file.length / 1e6).toFixed(1), statuses, seconds, rssBeforeMb: Math.round(before), rssPeakMb: Math.round(peak), rssAfterMb: Math.round(after) }));
} finally {
  await server.stop();
}
