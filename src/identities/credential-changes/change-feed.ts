/** What a feed of other instances' credential changes tells the relay. */
export interface FeedListener {
  /** A message another instance (or this one) published. */
  received(message: string): void;
  /** Changes may have been missed (too many at once): everything may have changed. */
  missed(): void;
  /** The feed stopped: changes made elsewhere are not heard until `restored`. */
  lost(reason: string): void;
  restored(): void;
}

/** How an instance hears other instances' credential changes: LISTEN/NOTIFY, or a polled change log. */
export interface ChangeFeed {
  /** Resolves once the feed is up (or has failed, and retries on its own). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True while changes made elsewhere reach this instance. */
  readonly connected: boolean;
  /** Treats the feed as broken, as a network failure does; it recovers on its own. */
  interrupt(error: Error): void;
}
