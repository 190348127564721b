import type { Type } from '@nestjs/common';
import { ApiKeyVerifier } from '../../src/identities/api-key-verifier.js';
import { CredentialRelay } from '../../src/identities/credential-changes/credential-relay.js';

/**
 * Test-only views into production classes, as subclasses, so the production classes carry no
 * hooks for the suites. The harness puts them in place of the originals in every app it starts.
 */

/** Counts the verifier's database lookups: what the cache did not answer. */
export class CountingApiKeyVerifier extends ApiKeyVerifier {
  lookups = 0;

  /** Cached principals and negative entries. */
  get cached(): { positive: number; negative: number } {
    return this.cache.size;
  }

  protected override load(key: string): ReturnType<ApiKeyVerifier['load']> {
    this.lookups++;
    return super.load(key);
  }
}

/** A relay whose feed (LISTEN connection or change-log polling) a suite can break, as a network failure would. */
export class InterruptibleRelay extends CredentialRelay {
  interrupt(): void {
    this.feed?.interrupt(new Error('feed interrupted'));
  }
}

export const TEST_DOUBLES: [Type<unknown>, Type<unknown>][] = [
  [ApiKeyVerifier, CountingApiKeyVerifier],
  [CredentialRelay, InterruptibleRelay],
];
