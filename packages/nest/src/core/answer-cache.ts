import { LRUCache } from 'lru-cache';
import type { InvalidAnswer, ValidAnswer, VerifyAnswer } from './answers.js';

/** A credential change announced by Latchkey's events stream (ids only, never a key). */
export type CredentialChange =
  | { kind: 'identity'; ids: readonly number[] }
  | { kind: 'user'; ids: readonly string[] }
  | { kind: 'company'; ids: readonly string[] }
  | { kind: 'permission'; ids?: readonly string[] }
  | { kind: 'all' };

export interface CachedAnswer<A extends VerifyAnswer = VerifyAnswer> {
  answer: A;
  /** Clock reading when Latchkey gave the answer. */
  storedAt: number;
  /** How long the answer is fresh while the events stream is up. */
  ttlMs: number;
}

const tagsOf = (answer: ValidAnswer): string[] => [`i:${answer.subject.identityId}`, `u:${answer.subject.userUid}`, `c:${answer.subject.companyId}`];

/**
 * Verify answers by request digest: positive answers indexed by their subject (identity, user,
 * company) so a change evicts exactly the answers it concerns, and negative answers apart (they
 * name no subject, so any change drops them all). Both bounded LRUs; freshness is the verifier's
 * decision, so an expired answer can still stand in during an outage's grace.
 */
export class AnswerCache {
  private readonly positive: LRUCache<string, CachedAnswer<ValidAnswer>>;
  private readonly negative: LRUCache<string, CachedAnswer<InvalidAnswer>>;
  /** Subject tag (`i:71`, `u:<uid>`, `c:<uid>`) → digests of the positive answers about it. */
  private readonly bySubject = new Map<string, Set<string>>();

  constructor(maxPositive: number, maxNegative: number) {
    this.positive = new LRUCache({
      max: maxPositive,
      dispose: (entry, digest) => this.untag(entry.answer, digest),
    });
    this.negative = new LRUCache({ max: maxNegative });
  }

  get(digest: string): CachedAnswer | undefined {
    return this.positive.get(digest) ?? this.negative.get(digest);
  }

  set(digest: string, entry: CachedAnswer): void {
    if (entry.answer.valid) {
      this.negative.delete(digest);
      this.positive.set(digest, entry as CachedAnswer<ValidAnswer>);
      for (const tag of tagsOf(entry.answer)) {
        let digests = this.bySubject.get(tag);
        if (!digests) this.bySubject.set(tag, (digests = new Set()));
        digests.add(digest);
      }
    } else {
      this.positive.delete(digest);
      this.negative.set(digest, entry as CachedAnswer<InvalidAnswer>);
    }
  }

  delete(digest: string): void {
    this.positive.delete(digest);
    this.negative.delete(digest);
  }

  /** Drops what the change may have made wrong; returns how many answers went. */
  apply(change: CredentialChange): number {
    const before = this.size.positive + this.size.negative;
    switch (change.kind) {
      case 'identity':
        change.ids.forEach((id) => this.evictTag(`i:${id}`));
        break;
      case 'user':
        change.ids.forEach((id) => this.evictTag(`u:${id}`));
        break;
      case 'company':
        change.ids.forEach((id) => this.evictTag(`c:${id}`));
        break;
      default:
        // A permission's definition or grants changed, or anything may have: any answer may be wrong.
        this.positive.clear();
    }
    // A refusal names no subject, and the change may have been what made it a refusal.
    this.negative.clear();
    return before - (this.size.positive + this.size.negative);
  }

  clear(): void {
    this.positive.clear();
    this.negative.clear();
    this.bySubject.clear();
  }

  get size(): { positive: number; negative: number } {
    return { positive: this.positive.size, negative: this.negative.size };
  }

  private evictTag(tag: string): void {
    const digests = this.bySubject.get(tag);
    if (!digests) return;
    this.bySubject.delete(tag);
    for (const digest of digests) this.positive.delete(digest);
  }

  private untag(answer: ValidAnswer, digest: string): void {
    for (const tag of tagsOf(answer)) {
      const digests = this.bySubject.get(tag);
      if (!digests) continue;
      digests.delete(digest);
      if (digests.size === 0) this.bySubject.delete(tag);
    }
  }
}
