import { describeFailure, fetchJobDetail, fetchOverview } from "./api";
import { initialData, logTargets, nextPollDelay, withFailure, withPoll, type DashboardData } from "./model";

export interface PollerOptions {
  server: string;
  intervalMs: number;
  /** Read at every poll, so that following another job needs no new poller. */
  followedJobId(): string | undefined;
  onChange(data: DashboardData): void;
}

/**
 * Polls the server's REST API for as long as it runs: every interval while the server answers,
 * with growing pauses while it does not. It never throws; a failed poll is data too.
 */
export class Poller {
  private data = initialData;
  private readonly stopping = new AbortController();
  private wake: (() => void) | undefined;
  private refreshRequested = false;

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    void this.run();
  }

  /** Polls again now (or as soon as the poll in flight ends): the person just asked for something else. */
  refresh(): void {
    this.refreshRequested = true;
    this.wake?.();
  }

  stop(): void {
    this.stopping.abort();
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      this.refreshRequested = false;
      const data = await this.poll(signal);
      if (signal.aborted) return;
      this.data = data;
      this.options.onChange(data);
      if (!this.refreshRequested) await this.sleep(nextPollDelay(data.connection, this.options.intervalMs, Date.now()));
    }
  }

  private async poll(signal: AbortSignal): Promise<DashboardData> {
    const { server, followedJobId } = this.options;
    try {
      const overview = await fetchOverview(server, signal);
      const details = await Promise.all(logTargets(overview.jobs, followedJobId()).map((id) => fetchJobDetail(server, id, signal)));
      return withPoll(this.data, overview, details);
    } catch (error) {
      return withFailure(this.data, describeFailure(error), Date.now());
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
