import type { MessageInitShape } from "@bufbuild/protobuf";
import type { SubmitJobRequestSchema, SubmitJobResponse } from "../../gen/cyxwiz/v1/job_service_pb";
import { submitJobOnce } from "../../lib/wire/submit-job";
import { capabilityTokens } from "./capability-tokens";
import type { Api } from "./clients";

/** A job submitted without signing in is changed (cancelled, paused, resumed, deployed) with the token its submission was answered with. */
export const jobTokens = (api: Pick<Api, "serverUrl">) => capabilityTokens("job", api);

/** SubmitJob as the Engine sends it (lib/wire/submit-job.ts), keeping the job token an anonymous submission is answered with, shown only then. */
export async function submitJob(api: Api, request: MessageInitShape<typeof SubmitJobRequestSchema>): Promise<SubmitJobResponse> {
  const response = await submitJobOnce(api.jobs, request);
  if (response.job && response.jobToken) jobTokens(api).remember(response.job.id, response.jobToken);
  return response;
}
