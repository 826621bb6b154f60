import { randomBytes } from "node:crypto";
import type { Prisma } from "../db/database";

const KEY = "node_token_secret";

/**
 * The key that signs node session tokens. Configured explicitly, or created once by whichever
 * instance starts first and shared through the database, so that all instances accept each
 * other's tokens and no secret ever sits in the repository.
 */
export async function loadSigningSecret(prisma: Prisma, configured?: string): Promise<string> {
  if (configured) return configured;
  const fresh = randomBytes(32).toString("base64url");
  await prisma.$executeRaw`INSERT INTO server_settings (key, value) VALUES (${KEY}, ${fresh}) ON CONFLICT (key) DO NOTHING`;
  const row = await prisma.serverSetting.findUniqueOrThrow({ where: { key: KEY } });
  return row.value;
}
