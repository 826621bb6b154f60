import { PauseController } from "../train/pause";

/** The slice of each period a throttled node trains, and the slice it rests. */
export function dutyCycle(share: number, periodMs: number): { onMs: number; offMs: number } {
  const s = Math.min(1, Math.max(MIN_SHARE, share));
  return { onMs: Math.round(periodMs * s), offMs: Math.round(periodMs * (1 - s)) };
}

export const MIN_SHARE = 0.1;

/**
 * How much of the machine a volunteer lends: paused or not, and the share of time training may
 * run. Both act through the PauseController the training loop already obeys between batches —
 * pausing holds the job where it is; a share below 1 alternates training and rest within each
 * period (2 s, so progress stays smooth).
 */
export class UsageControl {
  readonly pause = new PauseController();
  private userPaused = false;
  /** The job's owner paused it (PauseJob); lifted by resume or when the job ends. */
  private jobHeld = false;
  private resting = false;
  private share = 1;
  private training = false;
  private timer?: ReturnType<typeof setTimeout>;
  private runningSince?: number;
  private ranMs = 0;

  constructor(private readonly periodMs = 2000) {}

  get paused(): boolean {
    return this.userPaused;
  }

  setPaused(paused: boolean): void {
    this.userPaused = paused;
    this.apply();
  }

  setJobHeld(held: boolean): void {
    this.jobHeld = held;
    this.apply();
  }

  setShare(share: number): void {
    this.share = Math.min(1, Math.max(MIN_SHARE, share));
    if (this.training) this.cycle();
  }

  /** Training started: the duty cycle runs until trainingEnded(). */
  trainingStarted(): void {
    this.training = true;
    this.cycle();
  }

  trainingEnded(): void {
    this.training = false;
    clearTimeout(this.timer);
    this.resting = false;
    this.jobHeld = false;
    this.apply();
  }

  private cycle(): void {
    clearTimeout(this.timer);
    this.resting = false;
    this.apply();
    if (this.share >= 1) return;
    const { onMs, offMs } = dutyCycle(this.share, this.periodMs);
    this.timer = setTimeout(() => {
      this.resting = true;
      this.apply();
      this.timer = setTimeout(() => this.cycle(), offMs);
    }, onMs);
  }

  /** Time training actually ran (not paused, not resting), all jobs together. */
  get trainingMs(): number {
    return this.ranMs + (this.runningSince === undefined ? 0 : Date.now() - this.runningSince);
  }

  private apply(): void {
    const running = this.training && !this.userPaused && !this.jobHeld && !this.resting;
    if (running && this.runningSince === undefined) this.runningSince = Date.now();
    if (!running && this.runningSince !== undefined) {
      this.ranMs += Date.now() - this.runningSince;
      this.runningSince = undefined;
    }
    if (this.userPaused || this.jobHeld || this.resting) this.pause.pause();
    else this.pause.resume();
  }
}
