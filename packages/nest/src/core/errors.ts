/**
 * Latchkey could not give an answer: unreachable, too slow, a 5xx, or it refused the service key.
 * The request must not go through (fail closed); the HTTP layer answers 503.
 */
export class LatchkeyUnavailableError extends Error {
  override readonly name = 'LatchkeyUnavailableError';

  constructor(
    message: string,
    /** True for outages (network, timeout, 5xx), during which a recent cached answer may stand in. */
    readonly transient: boolean,
    /** Latchkey's HTTP status, when it answered at all. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
