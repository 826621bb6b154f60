import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStatus } from "../../gen/cyxwiz/v1/job_pb";
import { mlpDigits } from "../../lib/graph/templates/mlp-digits";
import { connectClients, withJobToken } from "../helpers/clients";
import { createPostgresDatabase, EMBEDDED_ONLY, REDIS_URL, type TestDatabase } from "../helpers/databases";
import { startServerProcess, type ServerProcess } from "../helpers/server-process";
import { SimulatedNode } from "../helpers/simulated-node";

const JOBS = 200;
const NODES_PER_SERVER = 10;

describe.skipIf(EMBEDDED_ONLY)("two server processes sharing one PostgreSQL and one Redis", () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  let nodes: SimulatedNode[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const env = { DATABASE_URL: database.url, REDIS_URL, CYXWIZ_REDIS_PREFIX: `test-${randomBytes(4).toString("hex")}:` };
    servers = [await startServerProcess(env), await startServerProcess(env)];
  });

  afterAll(async () => {
    nodes.forEach((n) => n.close());
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it(`assigns each of ${JOBS} queued jobs to exactly one of ${2 * NODES_PER_SERVER} nodes, and every watcher sees every result`, async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const config = (i: number) => ({
      config: {
        name: `job ${i}`,
        modelDefinition: JSON.stringify(mlpDigits.graph),
        datasetUri: "dataset:mnist-digits",
        hyperparameters: { epochs: 1, batchSize: 32, learningRate: 0.01 },
      },
    });
    const submitted: string[] = [];
    const tokens = new Map<string, string>();
    for (let i = 0; i < JOBS; i++) {
      const { job, jobToken } = await connectClients(i % 2 === 0 ? a.rpcUrl : b.rpcUrl).jobs.submitJob(config(i));
      submitted.push(job?.id as string);
      tokens.set(job?.id as string, jobToken);
    }
    // Watch some jobs through the instance that did not receive them.
    const watched = submitted.slice(0, 10).map(async (jobId, i) => {
      let last = JobStatus.UNSPECIFIED;
      for await (const update of connectClients(i % 2 === 0 ? b.rpcUrl : a.rpcUrl).jobs.watchJob({ jobId }, withJobToken(tokens.get(jobId) ?? ""))) last = update.status;
      return last;
    });

    nodes = [...Array.from({ length: NODES_PER_SERVER }, () => new SimulatedNode(a.rpcUrl)), ...Array.from({ length: NODES_PER_SERVER }, () => new SimulatedNode(b.rpcUrl))];
    await Promise.all(nodes.map((n) => n.start()));

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const deadline = Date.now() + 120_000;
      let completed = 0;
      while (completed < JOBS && Date.now() < deadline) {
        completed = Number((await db.query("SELECT count(*) FROM jobs WHERE status = 'COMPLETED'")).rows[0].count);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(completed).toBe(JOBS);
      const received = nodes.flatMap((n) => n.received);
      expect(received).toHaveLength(JOBS);
      expect(new Set(received).size).toBe(JOBS);
      expect(new Set(received)).toEqual(new Set(submitted));
      const attempts = await db.query("SELECT count(*) AS rows, count(DISTINCT job_id) AS jobs, max(attempt) AS max FROM job_attempts");
      expect(attempts.rows[0]).toMatchObject({ rows: String(JOBS), jobs: String(JOBS), max: 1 });
      const busyNodes = nodes.filter((n) => n.received.length > 0).length;
      expect(busyNodes).toBeGreaterThan(NODES_PER_SERVER);
    } finally {
      await db.end();
    }
    expect(await Promise.all(watched)).toEqual(Array(10).fill(JobStatus.COMPLETED));
  });
});
