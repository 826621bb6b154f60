import path from "node:path";
import { isAddress, type Address } from "@solana/kit";
import { z } from "zod";
import { DEFAULT_CHUNK_BYTES } from "../lib/data/dataset-manifest";

const port = z.coerce.number().int().min(0).max(65_535);

const schema = z.object({
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  CYXWIZ_DATA_DIR: z.string().default("data"),
  CYXWIZ_HOST: z.string().default("0.0.0.0"),
  CYXWIZ_RPC_PORT: port.default(50051),
  CYXWIZ_HTTP_PORT: port.default(8080),
  /** Signs node session tokens; when unset, a key is generated once and kept in the database. */
  CYXWIZ_TOKEN_SECRET: z.string().min(32).optional(),
  CYXWIZ_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(24 * 3600),
  /** A job token is renewed with every heartbeat; it lapses this long after the last one. */
  CYXWIZ_JOB_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(24 * 3600),
  CYXWIZ_ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(15 * 60),
  CYXWIZ_REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 3600),
  /** "1": every job submission needs a signed-in user or an API key; unset: anonymous jobs allowed. */
  CYXWIZ_REQUIRE_AUTH: z.enum(["0", "1", "true", "false", ""]).default(""),
  /** A pushed job the node has not acknowledged (first progress report) this long goes back to the queue. */
  CYXWIZ_ACK_DEADLINE_SECONDS: z.coerce.number().int().min(1).default(30),
  CYXWIZ_METRICS_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(7 * 24),
  CYXWIZ_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).default(10),
  CYXWIZ_NODE_TIMEOUT_SECONDS: z.coerce.number().int().min(2).default(30),
  CYXWIZ_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).default(2000),
  CYXWIZ_MAX_ARTIFACT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 ** 3),
  /** Datasets larger than this are stored as chunks of about this size, which nodes stream through training. */
  CYXWIZ_DATASET_CHUNK_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_CHUNK_BYTES),
  CYXWIZ_REDIS_PREFIX: z.string().default("cyxwiz:"),
  /** A cluster's JSON-RPC endpoint (devnet, a test validator, mainnet); unset: the embedded chain. */
  SOLANA_RPC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** "off": every job is free and nothing touches a chain. */
  CYXWIZ_PAYMENTS: z.enum(["on", "off", "1", "0", "true", "false", ""]).default(""),
  /** The platform's escrow keypair (Solana CLI JSON); unset: generated once into the data directory. */
  CYXWIZ_ESCROW_KEYFILE: z.string().optional(),
  /** Where platform fees go; unset: the escrow key's own address. */
  CYXWIZ_TREASURY_ADDRESS: z
    .string()
    .refine((a) => isAddress(a), "not a Solana address")
    .optional(),
  /** The platform's share of each payment, in basis points (500 = 5 %). */
  CYXWIZ_PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(500),
  /** The network price: lamports per 10¹² FLOPs of training (lib/payments/pricing.ts). */
  CYXWIZ_PRICE_LAMPORTS_PER_TFLOP: z.coerce.number().int().min(0).default(1_000_000),
  /** The embedded chain's JSON-RPC port (8899, a local validator's, by default; 0: any free port). */
  CYXWIZ_CHAIN_PORT: port.default(8899),
  /** A priced job not paid this long after it was submitted expires (and is never queued). */
  CYXWIZ_PAYMENT_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .default(15 * 60),
  /** The embedded chain's faucet gives at most this much per request. */
  CYXWIZ_FAUCET_MAX_LAMPORTS: z.coerce.bigint().min(0n).default(10_000_000_000n),
});

export interface PaymentsConfig {
  enabled: boolean;
  rpcUrl?: string;
  escrowKeyFile?: string;
  treasuryAddress?: Address;
  feeBps: number;
  lamportsPerTflop: number;
  chainPort: number;
  faucetMaxLamports: bigint;
  paymentWindowSeconds: number;
}

export interface ServerConfig {
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix: string;
  dataDir: string;
  host: string;
  rpcPort: number;
  httpPort: number;
  tokenSecret?: string;
  tokenTtlSeconds: number;
  jobTokenTtlSeconds: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  requireAuth: boolean;
  heartbeatSeconds: number;
  metricsRetentionHours: number;
  ackDeadlineSeconds: number;
  nodeTimeoutSeconds: number;
  dispatchIntervalMs: number;
  maxArtifactBytes: number;
  datasetChunkBytes: number;
  payments: PaymentsConfig;
}

/** Configuration from the environment; every setting has a default that runs on one machine. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL || undefined,
    redisUrl: e.REDIS_URL || undefined,
    redisPrefix: e.CYXWIZ_REDIS_PREFIX,
    dataDir: path.resolve(e.CYXWIZ_DATA_DIR),
    host: e.CYXWIZ_HOST,
    rpcPort: e.CYXWIZ_RPC_PORT,
    httpPort: e.CYXWIZ_HTTP_PORT,
    tokenSecret: e.CYXWIZ_TOKEN_SECRET,
    tokenTtlSeconds: e.CYXWIZ_TOKEN_TTL_SECONDS,
    jobTokenTtlSeconds: e.CYXWIZ_JOB_TOKEN_TTL_SECONDS,
    accessTokenTtlSeconds: e.CYXWIZ_ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.CYXWIZ_REFRESH_TOKEN_TTL_SECONDS,
    requireAuth: ["1", "true"].includes(e.CYXWIZ_REQUIRE_AUTH),
    heartbeatSeconds: e.CYXWIZ_HEARTBEAT_SECONDS,
    metricsRetentionHours: e.CYXWIZ_METRICS_RETENTION_HOURS,
    ackDeadlineSeconds: e.CYXWIZ_ACK_DEADLINE_SECONDS,
    nodeTimeoutSeconds: e.CYXWIZ_NODE_TIMEOUT_SECONDS,
    dispatchIntervalMs: e.CYXWIZ_DISPATCH_INTERVAL_MS,
    maxArtifactBytes: e.CYXWIZ_MAX_ARTIFACT_BYTES,
    datasetChunkBytes: e.CYXWIZ_DATASET_CHUNK_BYTES,
    payments: {
      enabled: !["off", "0", "false"].includes(e.CYXWIZ_PAYMENTS),
      rpcUrl: e.SOLANA_RPC_URL || undefined,
      escrowKeyFile: e.CYXWIZ_ESCROW_KEYFILE ? path.resolve(e.CYXWIZ_ESCROW_KEYFILE) : undefined,
      treasuryAddress: e.CYXWIZ_TREASURY_ADDRESS as Address | undefined,
      feeBps: e.CYXWIZ_PLATFORM_FEE_BPS,
      lamportsPerTflop: e.CYXWIZ_PRICE_LAMPORTS_PER_TFLOP,
      chainPort: e.CYXWIZ_CHAIN_PORT,
      faucetMaxLamports: e.CYXWIZ_FAUCET_MAX_LAMPORTS,
      paymentWindowSeconds: e.CYXWIZ_PAYMENT_WINDOW_SECONDS,
    },
  };
}
