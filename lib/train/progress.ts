/** What a training run tells the outside world; the same shape the node reports to the server. */
export interface TrainingProgress {
  /** 1-based epoch being trained (or just finished, when epochEnd is set). */
  epoch: number;
  totalEpochs: number;
  /** Fractional epoch: 2.5 = halfway through the third epoch. The curves' x axis. */
  step: number;
  /** Share of the whole job done, 0 to 1. */
  progress: number;
  metrics: Record<string, number>;
  samplesPerSecond: number;
  /** Seconds left at this run's pace so far (0 until it has one). */
  etaSeconds: number;
  /** Bytes of tensor memory in use on the backend (model, optimizer state, data). */
  memoryBytes: number;
  /** Set on the report that closes an epoch (it carries validation metrics). */
  epochEnd: boolean;
}

/** "loss 0.1234, accuracy 0.9610, …" for log lines. */
export function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(", ");
}

/** The log line that closes an epoch. */
export function epochLine(p: TrainingProgress): string {
  return `epoch ${p.epoch}/${p.totalEpochs}: ${formatMetrics(p.metrics)} (${Math.round(p.samplesPerSecond)} samples/s)`;
}

/** Lets reports through at most once per interval, except those that must always pass. */
export function throttle(intervalMs: number, now: () => number = Date.now) {
  let last = Number.NEGATIVE_INFINITY;
  return (force = false): boolean => {
    const t = now();
    if (!force && t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
