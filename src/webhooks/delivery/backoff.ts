/** No wait between attempts is longer than an hour, so a receiver that recovers is served soon. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * Wait before the next attempt after `attempt` failed ones: exponential from `baseMs`, capped, with
 * "equal jitter" (half fixed, half random) so receivers that fail together are not retried in step.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
