import { Injectable } from '@nestjs/common';

/**
 * Whether this instance is draining: it has been told to stop and answers 503 on `/health/ready`
 * (so the load balancer takes it out) while it still serves requests, each answered with
 * `Connection: close` so that no keep-alive connection outlives the drain.
 */
@Injectable()
export class ShutdownState {
  private drainingSince: number | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  beginDrain(now = Date.now()): void {
    this.drainingSince ??= now;
  }
}
