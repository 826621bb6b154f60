import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { randomInt, randomUUID } from "node:crypto";
import { JobStatus, JobType, type JobConfig } from "../../gen/cyxwiz/v1/job_pb";
import {
  CancelJobResponseSchema,
  DeleteJobResponseSchema,
  PauseJobResponseSchema,
  ResumeJobResponseSchema,
  SetJobVisibilityResponseSchema,
  GetJobResponseSchema,
  type JobService,
  ListJobsResponseSchema,
  SubmitJobRequestSchema,
  SubmitJobResponseSchema,
  WatchJobResponseSchema,
  type WatchJobResponse,
} from "../../gen/cyxwiz/v1/job_service_pb";
import type { ServerContext } from "../context";
import type { JobEvent } from "../../lib/wire/socket";
import { jobChannel, nodeChannel, type NodeCommand } from "../events/channels";
import { logEvent, pointEvent, publishJobEvent } from "../events/job-events";
import { jobMessage, logLineMessage, metricPointMessage, paceMessage, paceOf } from "../jobs/job-message";
import { isJobStatus, isTerminal } from "../jobs/job-status";
import { prepareSubmission, requestedDatasetUri, submittedGraph, type Submission } from "../jobs/submission";
import { AsyncQueue } from "../util/async-queue";
import { liveJob, liveJobs } from "../cache/job-progress";
import { accessOf, callerOf, credentialsOf, requiredAccessOf, submitterOf } from "../auth/credentials";
import { IDEMPOTENCY_HEADER } from "../../lib/wire/headers";
import type { JobRow } from "../jobs/job-row";
import { idempotencyOf } from "./idempotency";
import { failedPrecondition, invalidArgument, requireUuid, unauthenticated } from "./errors";
import { jobNotFound, jobRefusal } from "./job-refusal";
import { priceSubmission, pricingTerms } from "../payments/job-pricing";

const MAX_PAGE = 200;

/** A job configuration checked and prepared as SubmitJob stores it (and as EstimatePrice prices it); INVALID_ARGUMENT naming the field at fault. */
export async function submissionOf(ctx: Pick<ServerContext, "datasets">, config: JobConfig | undefined): Promise<Extract<Submission, { ok: true }>> {
  const submitted = submittedGraph(config);
  const uri = requestedDatasetUri(config, submitted);
  const dataset = uri ? await ctx.datasets.resolve(uri) : undefined;
  const submission = prepareSubmission(config, dataset, () => randomInt(1, 2 ** 31 - 1), submitted);
  if (!submission.ok) throw invalidArgument(submission.field, submission.message);
  return submission;
}

export function jobService(ctx: ServerContext): ServiceImpl<typeof JobService> {
  const { jobs, bus } = ctx;

  /** The job, when the caller may read it; otherwise NOT_FOUND, as for a job that does not exist. */
  const readJob = async (jobId: string, hctx: HandlerContext) => {
    const id = requireUuid(jobId, "job_id");
    const job = await jobs.find(id, await accessOf(hctx, "job"));
    if (!job) throw jobNotFound(id);
    return job;
  };
  const ended = (jobId: string) => (status: string) => failedPrecondition(`job ${jobId} already ended (${status})`);

  /**
   * The token an anonymous job's submission answers, derived again from its id, so that a retry
   * whose first answer was lost gets it too. None for a job without one (a user's; one from before
   * job tokens, or whose user was deleted, found by an anonymous retry) or when the server's key
   * changed since it was submitted.
   */
  const jobTokenOf = (job: JobRow): string => {
    if (!job.tokenHash) return "";
    const { token, hash } = ctx.tokens.jobCapability(job.id);
    return hash === job.tokenHash ? token : "";
  };

  /** Marks the job and tells the node holding it, through whichever instance holds its stream. */
  const setPaused = async (jobId: string, hctx: HandlerContext, paused: boolean) => {
    const id = requireUuid(jobId, "job_id");
    const access = await requiredAccessOf(hctx, "job");
    const updated = await jobs.setPaused(id, access, paused);
    if (!updated) throw await jobRefusal(jobs, id, access, ended(id));
    const log = await jobs.log(id, "info", paused ? "paused by its owner" : "resumed by its owner");
    await publishJobEvent(bus, updated, { statusChanged: true, logs: [log] });
    if (updated.assignedNodeId && !isTerminal(updated.status)) {
      const command: NodeCommand = paused ? { type: "pause", jobId: id } : { type: "resume", jobId: id };
      await bus.publish(nodeChannel(updated.assignedNodeId), command);
    }
    return updated;
  };

  return {
    async submitJob(req, hctx) {
      const who = await submitterOf(credentialsOf(hctx), ctx.config.requireAuth, "jobs");
      const submission = await submissionOf(ctx, req.config);
      const priced = priceSubmission(req, submission.size, await pricingTerms(ctx.payments, ctx.config.payments.lamportsPerTflop, ctx.config.payments.feeBps));
      if (!priced.ok) throw invalidArgument(priced.field, priced.message);
      // Submitted without credentials, the job is its token holder's: the token is the only way to change it.
      const id = randomUUID();
      const owner = who ? { userId: who.user.id } : { tokenHash: ctx.tokens.jobCapability(id).hash };
      const payment =
        priced.free || !ctx.payments
          ? undefined
          : {
              priceLamports: priced.estimate.lamports,
              payerAddress: priced.payerAddress,
              escrowAddress: await ctx.payments.escrow.address(id),
              deadline: new Date(Date.now() + ctx.config.payments.paymentWindowSeconds * 1000),
            };
      const stored = await jobs.create({ ...submission.job, id, ...owner, public: req.public, payment }, idempotencyOf(hctx, SubmitJobRequestSchema, req));
      if ("conflict" in stored) throw invalidArgument(IDEMPOTENCY_HEADER, `already used for another submission (job ${stored.job.id}): send a new key with a new request`);
      const { job } = stored;
      // A retry of a submission whose answer was lost: the job it stored, announced already.
      if (!stored.created) return create(SubmitJobResponseSchema, { job: jobMessage(await liveJob(ctx.hotState, job)), jobToken: jobTokenOf(job) });
      ctx.metrics.submissions.inc();
      const log = await jobs.log(
        job.id,
        "info",
        payment
          ? `awaiting payment: ${payment.priceLamports} lamports into ${payment.escrowAddress} from ${payment.payerAddress} by ${payment.deadline.toISOString()} (${job.name} on ${job.datasetUri}, ${job.totalEpochs} epochs)`
          : `queued: ${job.name} on ${job.datasetUri}, ${job.totalEpochs} epochs`,
      );
      ctx.log.info({ jobId: job.id, name: job.name }, "job submitted");
      await publishJobEvent(bus, job, { statusChanged: true, logs: [log] });
      return create(SubmitJobResponseSchema, { job: jobMessage(job), jobToken: jobTokenOf(job) });
    },

    async getJob(req, hctx) {
      const job = await liveJob(ctx.hotState, await readJob(req.jobId, hctx));
      const { points, logs } = await jobs.history(job.id);
      return create(GetJobResponseSchema, {
        job: jobMessage(job),
        history: points.map((p) => metricPointMessage(pointEvent(p))),
        logs: logs.map((l) => logLineMessage(logEvent(l))),
      });
    },

    async listJobs(req, hctx) {
      const limit = Math.min(req.pageSize || 50, MAX_PAGE);
      const after = req.pageToken ? requireUuid(req.pageToken, "page_token") : undefined;
      const statuses = req.statuses.map((s) => {
        const name = JobStatus[s];
        if (s === JobStatus.UNSPECIFIED || name === undefined || !isJobStatus(name)) throw invalidArgument("statuses", `unknown status ${s}`);
        return name;
      });
      const jobTypes = req.jobTypes.map((t) => {
        const name = JobType[t];
        if (t === JobType.UNSPECIFIED || name === undefined) throw invalidArgument("job_types", `unknown job type ${t}`);
        return name;
      });
      let ownerId: string | undefined;
      if (req.ownerId === "me") {
        const who = await callerOf(hctx);
        if (!who) throw unauthenticated('owner_id "me" needs a signed-in caller');
        ownerId = who.user.id;
      } else if (req.ownerId) {
        ownerId = requireUuid(req.ownerId, "owner_id");
      }
      const page = await jobs.list(await accessOf(hctx, "job"), { statuses, jobTypes, ownerId }, { limit, after });
      return create(ListJobsResponseSchema, { jobs: (await liveJobs(ctx.hotState, page.rows)).map(jobMessage), nextPageToken: page.next ?? "" });
    },

    async cancelJob(req, hctx) {
      const id = requireUuid(req.jobId, "job_id");
      const access = await requiredAccessOf(hctx, "job");
      const result = await jobs.cancel(id, access, req.reason ? `cancelled: ${req.reason}` : "cancelled by user");
      if (!result) throw await jobRefusal(jobs, id, access, ended(id));
      const log = await jobs.log(id, "warn", result.job.error ?? "cancelled");
      await publishJobEvent(bus, result.job, { statusChanged: true, logs: [log] });
      if (result.nodeId) {
        await bus.publish(nodeChannel(result.nodeId), { type: "cancel", jobId: id } satisfies NodeCommand);
        void ctx.dispatcher.nudge(result.nodeId);
      }
      return create(CancelJobResponseSchema, { job: jobMessage(result.job) });
    },

    async pauseJob(req, hctx) {
      return create(PauseJobResponseSchema, { job: jobMessage(await setPaused(req.jobId, hctx, true)) });
    },

    async resumeJob(req, hctx) {
      return create(ResumeJobResponseSchema, { job: jobMessage(await setPaused(req.jobId, hctx, false)) });
    },

    async setJobVisibility(req, hctx) {
      const id = requireUuid(req.jobId, "job_id");
      const access = await requiredAccessOf(hctx, "job");
      const updated = await jobs.setVisibility(id, access, req.public);
      if (!updated) throw await jobRefusal(jobs, id, access, () => failedPrecondition(`job ${id} could not be changed just now; try again`));
      ctx.log.info({ jobId: id, public: req.public }, req.public ? "job made public" : "job made private");
      return create(SetJobVisibilityResponseSchema, { job: jobMessage(await liveJob(ctx.hotState, updated)) });
    },

    async deleteJob(req, hctx) {
      const id = requireUuid(req.jobId, "job_id");
      const access = await requiredAccessOf(hctx, "job");
      if (!(await jobs.delete(id, access))) throw await jobRefusal(jobs, id, access, (status) => failedPrecondition(`job ${id} is ${status}: cancel it first, then delete it`));
      ctx.log.info({ jobId: id }, "job deleted");
      return create(DeleteJobResponseSchema, {});
    },

    async *watchJob(req, hctx: HandlerContext) {
      const jobId = requireUuid(req.jobId, "job_id");
      const events = new AsyncQueue<JobEvent>();
      const unsubscribe = await bus.subscribe(jobChannel(jobId), (e) => events.push(e as JobEvent));
      try {
        const job = await liveJob(ctx.hotState, await readJob(jobId, hctx));
        const { points, logs } = await jobs.history(jobId);
        yield create(WatchJobResponseSchema, {
          jobId,
          status: jobMessage(job).status,
          progress: job.progress,
          currentEpoch: job.currentEpoch,
          totalEpochs: job.totalEpochs,
          ...paceMessage(paceOf(job)),
          job: jobMessage(job),
          liveMetrics: points.map((p) => metricPointMessage(pointEvent(p))),
          logMessages: logs.map((l) => logLineMessage(logEvent(l))),
        });
        if (isTerminal(job.status)) return;
        // Events published between subscribing and reading the snapshot arrive twice: skip them by id.
        let lastPoint = points.at(-1)?.id ?? 0n;
        let lastLog = logs.at(-1)?.id ?? 0n;
        for await (const event of events.drain(hctx.signal)) {
          const fresh = event.points.filter((p) => BigInt(p.id) > lastPoint);
          const freshLogs = event.logs.filter((l) => BigInt(l.id) > lastLog);
          lastPoint = fresh.reduce((max, p) => (BigInt(p.id) > max ? BigInt(p.id) : max), lastPoint);
          lastLog = freshLogs.reduce((max, l) => (BigInt(l.id) > max ? BigInt(l.id) : max), lastLog);
          const update: WatchJobResponse = create(WatchJobResponseSchema, {
            jobId,
            status: JobStatus[event.status as keyof typeof JobStatus],
            progress: event.progress,
            currentEpoch: event.currentEpoch,
            totalEpochs: event.totalEpochs,
            ...paceMessage(event),
            liveMetrics: fresh.map(metricPointMessage),
            logMessages: freshLogs.map(logLineMessage),
          });
          if (event.statusChanged) {
            const latest = await jobs.get(jobId);
            if (latest) update.job = jobMessage(await liveJob(ctx.hotState, latest));
          }
          yield update;
          if (isTerminal(event.status)) return;
        }
      } finally {
        unsubscribe();
      }
    },
  };
}
