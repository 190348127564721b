import { Injectable } from '@nestjs/common';

/**
 * Whether this instance is draining: it has been told to stop and answers 503 on `/health/ready`
 * (so the load balancer takes it out) while it still serves requests, each answered with
 * `Connection: close` so that no keep-alive connection outlives the drain. Long-lived answers
 * (event streams) subscribe with `onDrain` and end themselves, so that clients reconnect to an
 * instance that stays instead of holding this one open until its shutdown timeout.
 */
@Injectable()
export class ShutdownState {
  private drainingSince: number | null = null;
  private readonly listeners = new Set<() => void>();

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  beginDrain(now = Date.now()): void {
    if (this.drainingSince !== null) return;
    this.drainingSince = now;
    for (const listener of this.listeners) listener();
    this.listeners.clear();
  }

  /** Calls `listener` when the drain begins (at once if it has); returns the unsubscribe function. */
  onDrain(listener: () => void): () => void {
    if (this.draining) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
