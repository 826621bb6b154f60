import type { Api } from "./clients";
import { jobTokens } from "./job-tokens";

/**
 * Saves a finished job's model.zip. A private job's model is read with its job token, which a
 * plain download link cannot send: the zip is fetched with the token's header and handed to the
 * browser's download as a blob, under the name the server gives it.
 */
export async function downloadModel(api: Api, jobId: string): Promise<void> {
  const response = await fetch(new URL(`/api/v1/jobs/${jobId}/model.zip`, api.serverUrl), { headers: jobTokens(api).headersFor([jobId]) });
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    throw new Error(body?.error?.message ?? `the model could not be downloaded (HTTP ${response.status})`);
  }
  const filename = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? `model-${jobId.slice(0, 8)}.zip`;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob by now; the URL only keeps its memory.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
