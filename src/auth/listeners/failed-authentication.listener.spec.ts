import { describe, expect, it } from 'vitest';
import type { RateLimitsService } from '../../rate-limits/rate-limits.service.js';
import { AuthEvents, type Refusal } from '../auth-events.js';
import { FailedAuthenticationListener } from './failed-authentication.listener.js';

const refusal = (status: Refusal['status']): Refusal => ({ allow: false, status, code: 'DISABLED', reason: 'no', principal: null, address: '10.0.0.1', method: 'GET', url: '/api/v3/users' });

function listen(authFailed: (address: string) => Promise<void>): AuthEvents {
  const events = new AuthEvents();
  new FailedAuthenticationListener(events, { authFailed } as RateLimitsService);
  return events;
}

describe('FailedAuthenticationListener', () => {
  it('counts a 401 against its address, and the refusal waits until the count has landed', async () => {
    const counted: string[] = [];
    let land = (): void => undefined;
    const events = listen(async (address) => {
      counted.push(address);
      await new Promise<void>((resolve) => (land = resolve));
    });
    let answered = false;
    const refused = events.refused(refusal(401)).then(() => (answered = true));
    expect(counted).toEqual(['10.0.0.1']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    land();
    await refused;
    expect(answered).toBe(true);
  });

  it.each([403, 429] as const)('does not count a %i: the credential was valid', async (status) => {
    const counted: string[] = [];
    await listen(async (address) => void counted.push(address)).refused(refusal(status));
    expect(counted).toEqual([]);
  });
});
