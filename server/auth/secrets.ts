import { createHash, randomBytes } from "node:crypto";

/** A bearer secret: a prefix saying what it is ("cwk_" API key, "cwr_" refresh token, "cwg_" graph token, "cwj_" job token), then 256 random bits. */
export function newSecret(prefix: "cwk_" | "cwr_" | "cwg_" | "cwj_"): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** Secrets are stored and looked up by their SHA-256 only. */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
