/** A training job's size, as the server knows it when the job is submitted. */
export interface PriceInput {
  /** FLOPs of one forward pass for one sample (the graph analysis' `totalFlops`). */
  forwardFlopsPerSample: number;
  /** Training samples per epoch. */
  samples: number;
  epochs: number;
  /** The network's price: lamports per 10¹² FLOPs of training. 0 makes every job free. */
  lamportsPerTflop: number;
  /**
   * The least a paid job costs: a deposit must leave the escrow account rent-exempt (890,880 lamports
   * for an account without data on every cluster today), or the chain refuses it.
   */
  minimumLamports: number;
}

export interface PriceEstimate {
  lamports: bigint;
  trainingFlops: bigint;
  /** The formula with the job's numbers, for people: the Engine, the CLI and the API show it. */
  formula: string;
  breakdown: { forwardFlopsPerSample: bigint; samples: number; epochs: number; backwardFactor: number; lamportsPerTflop: number; minimumApplied: boolean };
}

/** A training step costs about three forward passes: the forward pass, then the gradients with respect to activations and to weights, each about as costly. */
export const TRAINING_FLOPS_PER_FORWARD = 3;

const TERA = 10n ** 12n;

/**
 * The price of training: 3 × forward FLOPs × samples × epochs, in TFLOPs, times the network price,
 * rounded up to a whole lamport, and at least the minimum. Integer arithmetic throughout (FLOPs are
 * rounded to a whole number first), so that the Engine, the CLI and the server quote the same lamport.
 */
export function estimatePrice(input: PriceInput): PriceEstimate {
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a finite number ≥ 0, got ${value}`);
  }
  for (const name of ["samples", "epochs", "lamportsPerTflop", "minimumLamports"] as const) {
    if (!Number.isInteger(input[name])) throw new Error(`${name} must be a whole number, got ${input[name]}`);
  }
  const forward = BigInt(Math.round(input.forwardFlopsPerSample));
  const trainingFlops = forward * BigInt(TRAINING_FLOPS_PER_FORWARD) * BigInt(input.samples) * BigInt(input.epochs);
  const raw = ceilDiv(trainingFlops * BigInt(input.lamportsPerTflop), TERA);
  const minimumApplied = raw > 0n && raw < BigInt(input.minimumLamports);
  const lamports = minimumApplied ? BigInt(input.minimumLamports) : raw;
  const tflops = Number(trainingFlops) / 1e12;
  const formula =
    `${TRAINING_FLOPS_PER_FORWARD} × ${forward} FLOPs/sample × ${input.samples} samples × ${input.epochs} epochs = ${tflops.toPrecision(4)} TFLOP; ` +
    `× ${input.lamportsPerTflop} lamports/TFLOP, rounded up = ${raw} lamports` +
    (minimumApplied ? `; below the minimum of ${input.minimumLamports} lamports (the escrow's rent exemption), so ${lamports}` : "");
  return {
    lamports,
    trainingFlops,
    formula,
    breakdown: { forwardFlopsPerSample: forward, samples: input.samples, epochs: input.epochs, backwardFactor: TRAINING_FLOPS_PER_FORWARD, lamportsPerTflop: input.lamportsPerTflop, minimumApplied },
  };
}

export interface FeeSplit {
  /** What the node that did the work receives. */
  node: bigint;
  /** The platform fee, to the treasury. */
  treasury: bigint;
}

/** The basis points of a whole (100 %). */
export const BPS = 10_000n;

/**
 * Splits a payment between the node and the treasury: the fee is `feeBps` basis points of it rounded
 * down, the node gets the rest, so the two always add up to the payment exactly and a rounding
 * lamport goes to the node.
 */
export function splitFee(lamports: bigint, feeBps: number): FeeSplit {
  if (lamports < 0n) throw new Error(`a payment is ≥ 0 lamports, got ${lamports}`);
  if (!Number.isInteger(feeBps) || feeBps < 0 || BigInt(feeBps) > BPS) throw new Error(`a fee is a whole number of basis points from 0 to ${BPS}, got ${feeBps}`);
  const treasury = (lamports * BigInt(feeBps)) / BPS;
  return { node: lamports - treasury, treasury };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
