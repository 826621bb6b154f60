import { writeFile } from "node:fs/promises";
import path from "node:path";
import { JOB_TOKEN_HEADER } from "../../lib/wire/headers";
import { EXIT } from "../exit-codes";
import { savedJobToken } from "../job-tokens";
import type { Output } from "../output";

/**
 * The credentials that read a job from here: the API key in CYXWIZ_API_KEY, and the job token
 * `cyxwiz submit` kept when the job was submitted without one.
 */
export async function jobReadHeaders(server: string, jobId: string, apiKey = process.env.CYXWIZ_API_KEY): Promise<Record<string, string>> {
  const token = await savedJobToken(server, jobId);
  return { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(token ? { [JOB_TOKEN_HEADER]: token } : {}) };
}

/** Saves a completed job's model.zip (tfjs model.json and weights) to `out`, or under the name the server gives it. */
export async function downloadCommand(jobId: string | undefined, options: { server: string; out?: string }, out: Output): Promise<number> {
  if (!jobId) {
    out.error("usage: cyxwiz download <job-id> [--out model.zip] [--server URL]");
    return EXIT.invalid;
  }
  let response: Response;
  try {
    response = await fetch(`${options.server}/api/v1/jobs/${encodeURIComponent(jobId)}/model.zip`, { headers: await jobReadHeaders(options.server, jobId) });
  } catch (error) {
    out.error(`server unreachable: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
    return EXIT.unreachable;
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    out.error(body?.error?.message ?? `the server answered HTTP ${response.status}`);
    return response.status >= 500 ? EXIT.unreachable : EXIT.invalid;
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1];
  // The server's name is a plain file name; path.basename keeps it so whatever it says.
  const file = options.out ?? path.basename(named ?? `model-${jobId.slice(0, 8)}.zip`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  await writeFile(file, bytes);
  out.print(out.json ? JSON.stringify({ jobId, model: file, bytes: bytes.length }) : `saved ${file} (${(bytes.length / 1024).toFixed(0)} KiB): the tfjs model.json and its weights`);
  return EXIT.ok;
}
