import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import { jobClient } from "../client";
import { downloadCommand, jobReadHeaders } from "./download";
import { errorMessage, EXIT, exitCodeFor } from "../exit-codes";
import { statusLabel } from "../../lib/wire/job-status";
import { jobJson, jobLine, metricsLine, type Output } from "../output";

const TERMINAL = [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.EXPIRED];

/** One line (or JSON) about a job; with watch, one line per update until it ends. */
export async function statusCommand(jobId: string | undefined, options: { server: string; watch: boolean; out?: string }, out: Output): Promise<number> {
  if (!jobId) {
    out.error("usage: cyxwiz status <job-id> [--watch] [--json] [--server URL]");
    return EXIT.invalid;
  }
  const client = jobClient(options.server);
  try {
    // A job submitted from here without an API key is private to its token, kept when it was submitted.
    const withToken = { headers: await jobReadHeaders(options.server, jobId) };
    if (!options.watch) {
      const { job } = await client.getJob({ jobId }, withToken);
      if (job) out.print(out.json ? JSON.stringify(jobJson(job), null, 2) : jobLine(job));
      return EXIT.ok;
    }
    let last = JobStatus.UNSPECIFIED;
    for await (const update of client.watchJob({ jobId }, withToken)) {
      last = update.status;
      if (out.json) {
        out.print(
          JSON.stringify({
            jobId,
            status: statusLabel(update.status),
            progress: update.progress,
            epoch: update.currentEpoch,
            totalEpochs: update.totalEpochs,
            metrics: update.liveMetrics.at(-1)?.values ?? {},
            logs: update.logMessages.map((l) => l.message),
          }),
        );
        continue;
      }
      for (const log of update.logMessages) out.print(`  ${log.message}`);
      const point = update.liveMetrics.at(-1);
      out.print(
        `${statusLabel(update.status).padEnd(9)} ${(update.progress * 100).toFixed(1).padStart(5)}%  epoch ${update.currentEpoch}/${update.totalEpochs}  ${point ? metricsLine(point.values) : ""}`,
      );
      if (update.job?.error && TERMINAL.includes(update.status)) out.error(`error: ${update.job.error}`);
    }
    if (last !== JobStatus.COMPLETED) return EXIT.invalid;
    if (out.json) return options.out ? await downloadCommand(jobId, { server: options.server, out: options.out }, out) : EXIT.ok;
    // Where the run ended and where its model is: the last thing a person watching wants to know.
    const { job } = await client.getJob({ jobId }, withToken);
    out.print(`final: ${job ? metricsLine(job.finalMetrics) : ""}${job?.backend ? ` (trained on ${job.backend})` : ""}`);
    if (options.out) return await downloadCommand(jobId, { server: options.server, out: options.out }, out);
    out.print(`model: cyxwiz download ${jobId} --out model.zip`);
    return EXIT.ok;
  } catch (error) {
    out.error(errorMessage(error));
    return exitCodeFor(error);
  }
}
