import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { JobService } from "./gen/cyxwiz/v1/job_service_pb";
import { mlpDigits } from "./lib/graph/templates/mlp-digits";
const client = createClient(JobService, createConnectTransport({ baseUrl: "http://localhost:50051", httpVersion: "1.1" }));
const t0 = performance.now();
const { job } = await client.submitJob({ config: { name: "mlp", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: { epochs: 2, batchSize: 64, learningRate: 0.001 } } });
console.log("submitted", job?.id);
for await (const u of client.watchJob({ jobId: job!.id })) {
  console.log(Math.round(performance.now() - t0), u.status, u.progress.toFixed(2), u.liveMetrics.map((m) => m.step.toFixed(2) + ":" + JSON.stringify(m.values)).join(" "), u.logMessages.map((l) => l.message).join(" | "));
}
const { job: done } = await client.getJob({ jobId: job!.id });
console.log(done?.status, done?.modelWeightsUri, done?.finalMetrics);
