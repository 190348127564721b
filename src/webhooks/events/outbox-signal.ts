import { Injectable } from '@nestjs/common';

/** In-process nudge: new outbox rows were committed here, so the worker need not wait for its poll. */
@Injectable()
export class OutboxSignal {
  private readonly listeners: (() => void)[] = [];

  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
