export const LAMPORTS_PER_SOL = 1_000_000_000n;

/** "0.25" SOL → 250000000 lamports, exactly (up to 9 decimals); undefined when it is not an amount of SOL. */
export function solToLamports(text: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1] as string) * LAMPORTS_PER_SOL + BigInt((match[2] ?? "").padEnd(9, "0"));
}

/** Lamports as SOL for people: 250000000 → "0.25". */
export function lamportsToSol(lamports: bigint): string {
  const whole = lamports / LAMPORTS_PER_SOL;
  const fraction = (lamports % LAMPORTS_PER_SOL).toString().padStart(9, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
