// What the soak did and what it was told: every request through HAProxy (for the failure counts),
// every key identity it created with the writes that were acknowledged (for the database checks),
// and every key whose revocation was acknowledged (for the revocation probes).

export class Model {
  constructor() {
    /** Requests through HAProxy: { id, op, t0, t1, status, error, servedBy, ok, expected } */
    this.requests = [];
    /** Key identities made by the soak, by id. */
    this.identities = new Map();
    /** Creations that answered an error: the identity may or may not exist (found by description). */
    this.failedCreates = [];
    /** Keys whose revocation (delete, disable, rotation, revoke by value) answered 2xx. */
    this.revoked = [];
    /** Successful password logins: the unique client address they came from, and who answered. */
    this.logins = [];
    /** Canary keys used once on an instance right before it was stopped. */
    this.canaries = [];
    this.faults = [];
  }

  /** Records an answer through HAProxy; `expected` lists the statuses that are correct for it. */
  note(op, res, expected = [200]) {
    const ok = expected.includes(res.status);
    const failed = res.status === 0 || res.status >= 500;
    this.requests.push({ id: res.id, op, t0: res.t0, t1: res.t1, status: res.status, error: res.error ?? null, servedBy: res.servedBy ?? null, ok, failed });
    return ok;
  }

  addIdentity({ id, userUid, key, description, rateLimitPerMinute }) {
    const identity = {
      id,
      userUid,
      key,
      oldKeys: [],
      description,
      status: 'enabled',
      rateLimitPerMinute,
      terminal: null, // 'deleted' | 'revokedByValue' | 'disabled'
      acked: { 'identity.created': 1, 'identity.updated': 0, 'identity.rotated': 0, 'identity.deleted': 0, 'identity.revokedByValue': 0 },
      uncertain: null, // { op, action, before, after } for the one write that answered an error
      retired: false,
    };
    this.identities.set(id, identity);
    return identity;
  }

  /** A write that answered an error: its outcome is unknown, so the identity is used no further. */
  uncertain(identity, op, action, after, res) {
    identity.uncertain = { op, action, before: snapshot(identity), after, status: res.status, error: res.error ?? null, at: res.t1 };
    identity.retired = true;
  }

  revokedKey(key, identityId, how, res) {
    this.revoked.push({ key, identityId, how, ackAt: res.t1, servedBy: res.servedBy ?? null, probes: [], acceptedLate: [] });
  }
}

export function snapshot(identity) {
  return { description: identity.description, status: identity.status, rateLimitPerMinute: identity.rateLimitPerMinute, key: identity.key };
}
