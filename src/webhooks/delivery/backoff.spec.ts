import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './backoff.js';

describe('retry backoff', () => {
  it('doubles from the base, with half of each delay random', () => {
    for (const [attempt, full] of [[1, 1000], [2, 2000], [3, 4000], [10, 512_000]] as const) {
      expect(retryDelayMs(attempt, 1000, () => 0)).toBe(full / 2);
      expect(retryDelayMs(attempt, 1000, () => 1)).toBe(full);
    }
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(retryDelayMs(60, 10_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(10_000, 10_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('spreads receivers that fail together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(5, 10_000)));
    expect(delays.size).toBeGreaterThan(40);
  });
});
