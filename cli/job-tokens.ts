import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

/** The CLI's configuration directory: $XDG_CONFIG_HOME/cyxwiz, or ~/.config/cyxwiz. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), ".config"), "cyxwiz");
}

export const jobTokensFile = (env: NodeJS.ProcessEnv = process.env) => path.join(configDir(env), "job-tokens.json");

/** The job tokens kept, by server URL, then job id. */
type Saved = Record<string, Record<string, string>>;

async function saved(file: string): Promise<Saved> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(`${file} cannot be read as the job tokens the CLI keeps: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Keeps the job token an anonymous submission was answered with — shown only then, and the only
 * way to change the job later — in a file only its user may read (a bearer credential, as an SSH
 * key is). Written whole and renamed into place, so an interrupted write loses no earlier token.
 * Returns the file's path.
 */
export async function rememberJobToken(serverUrl: string, jobId: string, token: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = jobTokensFile(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tokens = await saved(file);
  tokens[serverUrl] = { ...tokens[serverUrl], [jobId]: token };
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  // The mode above applies only to a new file (and the umask may narrow it, never widen it).
  await chmod(partial, 0o600);
  await rename(partial, file);
  return file;
}

/** The job token kept for this job on this server, if any: `cyxwiz status` reads a private anonymous job with it. */
export async function savedJobToken(serverUrl: string, jobId: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return (await saved(jobTokensFile(env)))[serverUrl]?.[jobId];
}
